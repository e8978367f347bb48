using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Movement.Dashboard.Access;
using Movement.Dashboard.Data;

namespace Movement.Dashboard.Central;

/// <summary>
/// Creates the configured central supervisors (role <see cref="Roles.CentralSupervisor"/>, their site as a claim) once
/// the dashboard database is ready; runs after <see cref="DashboardDatabaseInitialiser"/>.
/// </summary>
public sealed partial class CentralAccounts(IServiceProvider services, IOptions<CentralOptions> options, ILogger<CentralAccounts> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(Roles.CentralSupervisor))
        {
            Check(await roles.CreateAsync(new IdentityRole(Roles.CentralSupervisor)), Roles.CentralSupervisor);
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();

        // An account taken off the list loses its site (it then sees no site) and is signed out.
        var listed = options.Value.Supervisors.Select(s => s.UserName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var removed in (await users.GetUsersInRoleAsync(Roles.CentralSupervisor)).Where(u => !listed.Contains(u.UserName!)))
        {
            var claims = (await users.GetClaimsAsync(removed)).Where(c => c.Type == DashboardClaims.Site).ToList();
            if (claims.Count > 0)
            {
                Check(await users.RemoveClaimsAsync(removed, claims), removed.UserName!);
                await users.UpdateSecurityStampAsync(removed);
                LogRevoked(logger, removed.UserName!);
            }
        }

        foreach (var configured in options.Value.Supervisors)
        {
            var user = await users.FindByNameAsync(configured.UserName);
            if (user is null)
            {
                user = new DashboardUser { UserName = configured.UserName };
                Check(await users.CreateAsync(user, configured.Password!), configured.UserName);
                Check(await users.AddToRoleAsync(user, Roles.CentralSupervisor), configured.UserName);
                LogCreated(logger, configured.UserName, configured.Site);
            }
            else if (!await users.IsInRoleAsync(user, Roles.CentralSupervisor))
            {
                // Never widen an existing account (a site's own supervisor or a participant) into a central one.
                throw new InvalidOperationException($"Central Supervisors: the account '{configured.UserName}' exists and is not a central supervisor; choose another user name.");
            }

            var claims = (await users.GetClaimsAsync(user)).Where(c => c.Type == DashboardClaims.Site).ToList();
            if (claims.Count != 1 || claims[0].Value != configured.Site)
            {
                Check(await users.RemoveClaimsAsync(user, claims), configured.UserName);
                Check(await users.AddClaimAsync(user, new Claim(DashboardClaims.Site, configured.Site)), configured.UserName);
                await users.UpdateSecurityStampAsync(user); // signed-in sessions of the old scope end
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Central account '{what}': {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Central supervisor {UserName} is no longer configured: it sees no site now")]
    private static partial void LogRevoked(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created central supervisor {UserName} for site {Site}")]
    private static partial void LogCreated(ILogger logger, string userName, string site);
}
