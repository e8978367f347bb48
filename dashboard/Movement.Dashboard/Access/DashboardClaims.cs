using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Movement.Dashboard.Data;

namespace Movement.Dashboard.Access;

public static class DashboardClaims
{
    /// <summary>The pseudonymous participant id a participant's login may see.</summary>
    public const string ParticipantId = "movement:participant";

    /// <summary>The site a central supervisor may see (<c>+</c>: every site); a user claim in the dashboard database.</summary>
    public const string Site = "movement:site";

    public static string? GetParticipantId(this ClaimsPrincipal user) => user.FindFirstValue(ParticipantId);
}

/// <summary>Adds the participant id claim to participants' cookies.</summary>
public sealed class DashboardClaimsPrincipalFactory(
    UserManager<DashboardUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<DashboardUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(DashboardUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.ParticipantId is { } participant)
        {
            identity.AddClaim(new Claim(DashboardClaims.ParticipantId, participant));
        }

        return identity;
    }
}
