using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Movement.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class DeviceTokensAndReportedSteps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeviceTokens",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ParticipantId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceTokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReportedStepIntervals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ParticipantId = table.Column<string>(type: "TEXT", nullable: false),
                    DeviceTokenId = table.Column<int>(type: "INTEGER", nullable: false),
                    StartUtcTicks = table.Column<long>(type: "INTEGER", nullable: false),
                    EndUtcTicks = table.Column<long>(type: "INTEGER", nullable: false),
                    Steps = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportedStepIntervals", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeviceTokens_ParticipantId",
                table: "DeviceTokens",
                column: "ParticipantId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceTokens_TokenHash",
                table: "DeviceTokens",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReportedStepIntervals_ParticipantId_DeviceTokenId_StartUtcTicks_EndUtcTicks",
                table: "ReportedStepIntervals",
                columns: new[] { "ParticipantId", "DeviceTokenId", "StartUtcTicks", "EndUtcTicks" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeviceTokens");

            migrationBuilder.DropTable(
                name: "ReportedStepIntervals");
        }
    }
}
