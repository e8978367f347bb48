using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Movement.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class ThighSensorAndPairs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SensorAssignments_SessionId_ParticipantId",
                table: "SensorAssignments");

            migrationBuilder.AddColumn<string>(
                name: "DefaultThighSensor",
                table: "Participants",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SensorAssignments_SessionId_ParticipantId_Placement",
                table: "SensorAssignments",
                columns: new[] { "SessionId", "ParticipantId", "Placement" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SensorAssignments_SessionId_ParticipantId_Placement",
                table: "SensorAssignments");

            migrationBuilder.DropColumn(
                name: "DefaultThighSensor",
                table: "Participants");

            migrationBuilder.CreateIndex(
                name: "IX_SensorAssignments_SessionId_ParticipantId",
                table: "SensorAssignments",
                columns: new[] { "SessionId", "ParticipantId" },
                unique: true);
        }
    }
}
