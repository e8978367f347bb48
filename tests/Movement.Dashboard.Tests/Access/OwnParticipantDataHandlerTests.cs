using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Movement.Dashboard.Access;
using Movement.Dashboard.Data;

namespace Movement.Dashboard.Tests.Access;

public sealed class OwnParticipantDataHandlerTests
{
    private static ClaimsPrincipal User(string role, string? participant = null) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Role, role), .. participant is null ? Array.Empty<Claim>() : [new Claim(DashboardClaims.ParticipantId, participant)]],
        "test"));

    private static async Task<bool> AllowedAsync(ClaimsPrincipal user, string requested)
    {
        var http = new DefaultHttpContext();
        http.Request.RouteValues = new RouteValueDictionary { [OwnParticipantDataRequirement.RouteKey] = requested };
        var requirement = new OwnParticipantDataRequirement();
        var context = new AuthorizationHandlerContext([requirement], user, http);
        await new OwnParticipantDataHandler().HandleAsync(context);
        return context.HasSucceeded;
    }

    [Fact]
    public async Task Handle_ParticipantOwnId_Allowed() => Assert.True(await AllowedAsync(User(Roles.Participant, "p-aaaa2222"), "p-aaaa2222"));

    [Fact]
    public async Task Handle_ParticipantOtherId_Refused() => Assert.False(await AllowedAsync(User(Roles.Participant, "p-aaaa2222"), "p-bbbb3333"));

    [Fact]
    public async Task Handle_ParticipantWithoutIdClaim_Refused() => Assert.False(await AllowedAsync(User(Roles.Participant), "p-bbbb3333"));

    [Fact]
    public async Task Handle_Supervisor_AllowedAnyParticipant() => Assert.True(await AllowedAsync(User(Roles.Supervisor), "p-bbbb3333"));
}
