using Microsoft.Extensions.Time.Testing;
using Movement.Gateway.Bluetooth;
using Movement.Protocol;

namespace Movement.Gateway.Tests.Bluetooth;

public sealed class SensorClaimsTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Listen = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));

    private SensorClaims Gateway(string id) => new(id, Ttl, Listen, _time);

    private SensorClaim Other(string gateway, string sensor, DateTimeOffset? since = null, bool released = false) => new()
    {
        Sensor = sensor, Gateway = gateway, Since = since ?? _time.GetUtcNow(), Time = _time.GetUtcNow(), TtlS = Ttl.TotalSeconds, Released = released,
    };

    [Fact]
    public void HolderOf_NothingHeard_Null()
    {
        var claims = Gateway("gw-a");

        Assert.Null(claims.HolderOf("s1"));
        Assert.False(claims.HeldByOther("s1"));
    }

    [Fact]
    public void Claim_Unclaimed_ThisGatewayHoldsAndMessageNamesIt()
    {
        var claims = Gateway("gw-a");

        var message = claims.Claim("s1");

        Assert.Equal("gw-a", claims.HolderOf("s1"));
        Assert.Equal(("s1", "gw-a", false, 30.0), (message.Sensor, message.Gateway, message.Released, message.TtlS));
    }

    [Fact]
    public void Apply_OtherGatewaysClaim_HeldByOtherUntilTtlWithoutRefresh()
    {
        var claims = Gateway("gw-a");
        claims.Apply(Other("gw-b", "s1"));

        _time.Advance(Ttl - TimeSpan.FromSeconds(1));
        Assert.True(claims.HeldByOther("s1"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(claims.HeldByOther("s1"));
    }

    [Fact]
    public void Apply_Refreshes_KeepTheClaimAliveBeyondOneTtl()
    {
        var claims = Gateway("gw-a");
        var since = _time.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            claims.Apply(Other("gw-b", "s1", since));
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal("gw-b", claims.HolderOf("s1"));
    }

    [Fact]
    public void Apply_Released_FreeAtOnce()
    {
        var claims = Gateway("gw-a");
        claims.Apply(Other("gw-b", "s1"));

        claims.Apply(Other("gw-b", "s1", released: true));

        Assert.Null(claims.HolderOf("s1"));
    }

    [Fact]
    public void ApplyAvailability_HolderGoesOffline_ItsClaimsLapseAtOnce()
    {
        var claims = Gateway("gw-a");
        claims.Apply(Other("gw-b", "s1"));
        claims.Apply(Other("gw-c", "s2"));

        claims.ApplyAvailability("gw-b", online: false);

        Assert.Null(claims.HolderOf("s1"));
        Assert.Equal("gw-c", claims.HolderOf("s2"));
    }

    [Fact]
    public void Apply_ClaimOfAGatewayKnownOffline_DoesNotCountUntilItIsOnlineAgain()
    {
        var claims = Gateway("gw-a");
        claims.ApplyAvailability("gw-b", online: false);

        claims.Apply(Other("gw-b", "s1"));
        Assert.False(claims.HeldByOther("s1"));

        claims.ApplyAvailability("gw-b", online: true);
        claims.Apply(Other("gw-b", "s1"));
        Assert.True(claims.HeldByOther("s1"));
    }

    [Fact]
    public void HolderOf_TwoClaimsAtOnce_EarlierSinceWinsOnBothGateways()
    {
        var a = Gateway("gw-a");
        var b = Gateway("gw-b");
        var claimA = a.Claim("s1");
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var claimB = b.Claim("s1");

        // Each hears the other's claim (and its own, which it already counted).
        a.Apply(claimB);
        b.Apply(claimA);

        Assert.Equal("gw-a", a.HolderOf("s1"));
        Assert.Equal("gw-a", b.HolderOf("s1"));
        Assert.True(b.HeldByOther("s1"));
        Assert.False(a.HeldByOther("s1"));
    }

    [Fact]
    public void HolderOf_SameSince_LowerGatewayIdWinsOnBoth()
    {
        var a = Gateway("gw-a");
        var b = Gateway("gw-b");
        var claimB = b.Claim("s1");
        var claimA = a.Claim("s1");
        a.Apply(claimB);
        b.Apply(claimA);

        Assert.Equal("gw-a", a.HolderOf("s1"));
        Assert.Equal("gw-a", b.HolderOf("s1"));
    }

    [Fact]
    public void Release_Held_ReturnsReleaseWithTheOriginalSinceAndFrees()
    {
        var claims = Gateway("gw-a");
        var claim = claims.Claim("s1");
        _time.Advance(TimeSpan.FromSeconds(5));

        var release = claims.Release("s1");

        Assert.NotNull(release);
        Assert.True(release.Released);
        Assert.Equal(claim.Since, release.Since);
        Assert.Null(claims.HolderOf("s1"));
        Assert.Null(claims.Release("s1"));
    }

    [Fact]
    public void Refreshes_KeepSinceAndRenewOwnClaimsOnly()
    {
        var claims = Gateway("gw-a");
        var first = claims.Claim("s1");
        claims.Claim("s2");
        claims.Release("s2");
        _time.Advance(TimeSpan.FromSeconds(40));

        var refreshes = claims.Refreshes();

        var refresh = Assert.Single(refreshes);
        Assert.Equal(("s1", first.Since), (refresh.Sensor, refresh.Since));
        Assert.Equal(_time.GetUtcNow(), refresh.Time);
        Assert.Equal("gw-a", claims.HolderOf("s1"));
    }

    [Fact]
    public void Ready_ConnectedToBroker_OnlyAfterListeningForARefreshInterval()
    {
        var claims = Gateway("gw-a");
        Assert.False(claims.Ready);

        claims.MarkListening();
        _time.Advance(Listen - TimeSpan.FromSeconds(1));
        Assert.False(claims.Ready);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(claims.Ready);
    }

    [Fact]
    public void Ready_NoBrokerEver_AfterOneTtlSoALoneGatewayStillStreams()
    {
        var claims = Gateway("gw-a");

        _time.Advance(Ttl - TimeSpan.FromSeconds(1));
        Assert.False(claims.Ready);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(claims.Ready);
    }

    [Fact]
    public void ApplyAvailability_OwnGatewayReportedOffline_OwnClaimsStay()
    {
        var claims = Gateway("gw-a");
        claims.Claim("s1");

        // A retained "offline" from this gateway's previous run, delivered on subscribe.
        claims.ApplyAvailability("gw-a", online: false);

        Assert.Equal("gw-a", claims.HolderOf("s1"));
    }

    [Fact]
    public void Changed_ClaimHeard_Raised()
    {
        var claims = Gateway("gw-a");
        var raised = 0;
        claims.Changed += () => raised++;

        claims.Apply(Other("gw-b", "s1"));
        claims.ApplyAvailability("gw-b", online: false);

        Assert.Equal(2, raised);
    }
}
