using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Movement.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class StepImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<int>(
                name: "DeviceTokenId",
                table: "ReportedStepIntervals",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<int>(
                name: "StepImportSourceId",
                table: "ReportedStepIntervals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "StepImportSources",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ParticipantId = table.Column<string>(type: "TEXT", nullable: false),
                    Format = table.Column<string>(type: "TEXT", nullable: false),
                    SourceKey = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    FirstImportedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    LastImportedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StepImportSources", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ReportedStepIntervals_ParticipantId_StepImportSourceId_StartUtcTicks_EndUtcTicks",
                table: "ReportedStepIntervals",
                columns: new[] { "ParticipantId", "StepImportSourceId", "StartUtcTicks", "EndUtcTicks" },
                unique: true);

            migrationBuilder.AddCheckConstraint(
                name: "CK_ReportedStepIntervals_OneSource",
                table: "ReportedStepIntervals",
                sql: "(\"DeviceTokenId\" IS NULL) <> (\"StepImportSourceId\" IS NULL)");

            migrationBuilder.CreateIndex(
                name: "IX_StepImportSources_ParticipantId_Format_SourceKey",
                table: "StepImportSources",
                columns: new[] { "ParticipantId", "Format", "SourceKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StepImportSources");

            migrationBuilder.DropIndex(
                name: "IX_ReportedStepIntervals_ParticipantId_StepImportSourceId_StartUtcTicks_EndUtcTicks",
                table: "ReportedStepIntervals");

            migrationBuilder.DropCheckConstraint(
                name: "CK_ReportedStepIntervals_OneSource",
                table: "ReportedStepIntervals");

            migrationBuilder.DropColumn(
                name: "StepImportSourceId",
                table: "ReportedStepIntervals");

            migrationBuilder.AlterColumn<int>(
                name: "DeviceTokenId",
                table: "ReportedStepIntervals",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
