using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Movement.Dashboard.Data;

/// <summary>
/// For <c>dotnet ef</c> only (adding a migration: see docs/dashboard.md): the model and provider, without building
/// the whole host, which would start the broker, the simulator and the rest of the system.
/// </summary>
public sealed class DashboardDbContextDesignTimeFactory : IDesignTimeDbContextFactory<DashboardDbContext>
{
    public DashboardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DashboardDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
