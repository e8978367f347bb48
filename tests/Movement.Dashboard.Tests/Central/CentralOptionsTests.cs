using System.ComponentModel.DataAnnotations;
using Movement.Dashboard.Central;

namespace Movement.Dashboard.Tests.Central;

public sealed class CentralOptionsTests
{
    private static List<string> Errors(CentralOptions options) =>
        options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage!).ToList();

    [Theory]
    [InlineData("site-a", true)]
    [InlineData("+", true)]
    [InlineData("site-z", false)]
    [InlineData("", false)]
    public void Validate_SupervisorSite_MustBeAListedSiteOrEvery(string site, bool valid)
    {
        var options = new CentralOptions
        {
            Sites = ["site-a", "site-b"],
            Supervisors = [new CentralSupervisor { UserName = "sup-a", Password = "a-password-1", Site = site }],
        };

        Assert.Equal(valid, Errors(options).Count == 0);
    }

    [Fact]
    public void Validate_SiteThatIsNotAnId_NamedInTheError()
    {
        var errors = Errors(new CentralOptions { Sites = ["Site A"] });

        Assert.Contains(errors, e => e.Contains("'Site A' is not a site id", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SupervisorWithoutPassword_NamedInTheError()
    {
        var errors = Errors(new CentralOptions { Sites = ["site-a"], Supervisors = [new CentralSupervisor { UserName = "sup-a", Site = "site-a" }] });

        Assert.Contains(errors, e => e.Contains("set a Password for 'sup-a'", StringComparison.Ordinal));
    }

    [Fact]
    public void Enabled_NoSites_Off() => Assert.False(new CentralOptions().Enabled);
}
