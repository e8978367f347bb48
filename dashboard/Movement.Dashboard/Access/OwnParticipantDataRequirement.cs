using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Movement.Dashboard.Data;

namespace Movement.Dashboard.Access;

/// <summary>
/// A page about one participant (route value <c>participantId</c>): supervisors may open any; a participant
/// only their own. Evaluated by the endpoint (HTTP 403 on a full page load) and by the router in the circuit.
/// </summary>
public sealed class OwnParticipantDataRequirement : IAuthorizationRequirement
{
    public const string Policy = "OwnParticipantData";
    public const string RouteKey = "participantId";
}

public sealed class OwnParticipantDataHandler : AuthorizationHandler<OwnParticipantDataRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnParticipantDataRequirement requirement)
    {
        var requested = context.Resource switch
        {
            HttpContext http => http.GetRouteValue(OwnParticipantDataRequirement.RouteKey) as string,
            Microsoft.AspNetCore.Components.RouteData route => route.RouteValues.GetValueOrDefault(OwnParticipantDataRequirement.RouteKey) as string,
            _ => null,
        };

        if (context.User.IsInRole(Roles.Supervisor)
            || (requested is not null && context.User.IsInRole(Roles.Participant)
                && string.Equals(context.User.GetParticipantId(), requested, StringComparison.Ordinal)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <summary>The same rule for code that has the ids in hand.</summary>
    public static bool MaySee(System.Security.Claims.ClaimsPrincipal user, string participantId) =>
        user.IsInRole(Roles.Supervisor)
        || (user.IsInRole(Roles.Participant) && string.Equals(user.GetParticipantId(), participantId, StringComparison.Ordinal));
}
