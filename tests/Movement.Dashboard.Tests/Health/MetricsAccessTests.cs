using System.Net;
using Microsoft.AspNetCore.Http;
using Movement.Dashboard.Health;

namespace Movement.Dashboard.Tests.Health;

public sealed class MetricsAccessTests
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    private static DefaultHttpContext Request(string from, string? authorization = null, string? forwardedFor = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(from);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return context;
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Decide_NoTokenFromLoopback_Allowed(string from) =>
        Assert.Equal(StatusCodes.Status200OK, MetricsAccess.Decide(Request(from), token: null));

    [Fact]
    public void Decide_NoTokenFromTheNetwork_Forbidden() =>
        Assert.Equal(StatusCodes.Status403Forbidden, MetricsAccess.Decide(Request("192.168.1.20"), token: null));

    [Fact]
    public void Decide_NoTokenRelayedByALocalProxy_Forbidden() =>
        Assert.Equal(StatusCodes.Status403Forbidden, MetricsAccess.Decide(Request("127.0.0.1", forwardedFor: "192.168.1.20"), token: null));

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData(Token)]
    public void Decide_TokenSetButNotPresented_UnauthorizedEvenFromLoopback(string? authorization) =>
        Assert.Equal(StatusCodes.Status401Unauthorized, MetricsAccess.Decide(Request("127.0.0.1", authorization), Token));

    [Fact]
    public void Decide_TokenPresentedFromTheNetwork_Allowed() =>
        Assert.Equal(StatusCodes.Status200OK, MetricsAccess.Decide(Request("192.168.1.20", $"Bearer {Token}"), Token));
}
