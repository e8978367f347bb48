using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Movement.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class StationTargetRomKind : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TargetRomKind",
                table: "Stations",
                type: "TEXT",
                nullable: false,
                defaultValue: "Knee");

            // A target set before it had a kind was compared with whichever sensor counted the exercise: keep that
            // angle for the exercises a segment counts (ParticipantRepSource), the knee for the rest.
            migrationBuilder.Sql("UPDATE Stations SET TargetRomKind = 'Shank' WHERE Exercise IN ('knee_extension', 'heel_slide', 'heel_raise')");
            migrationBuilder.Sql("UPDATE Stations SET TargetRomKind = 'Thigh' WHERE Exercise IN ('marching', 'straight_leg_raise', 'step_up')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TargetRomKind",
                table: "Stations");
        }
    }
}
