using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Movement.Protocol;

namespace Movement.Dashboard.Central;

/// <summary>
/// The central dashboard (docs/deployment.md): pages over every listed site's recorded data in the central store,
/// and supervisor accounts each scoped to one site. Bound from <c>Movement:Dashboard:Central</c>; off while
/// <see cref="Sites"/> is empty. Passwords come from configuration and are never logged.
/// </summary>
public sealed partial class CentralOptions : IValidatableObject
{
    public const string SectionName = "Movement:Dashboard:Central";

    /// <summary>The sites whose data the central store holds (their ids, as in the topics and the bridges).</summary>
    public List<string> Sites { get; set; } = [];

    /// <summary>Accounts created at start when missing (their site is updated if it changed; the password is set only at creation).</summary>
    public List<CentralSupervisor> Supervisors { get; set; } = [];

    /// <summary>How far back a site's sessions are listed.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan SessionHistory { get; set; } = TimeSpan.FromDays(365);

    public bool Enabled => Sites.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var sites = new HashSet<string>(StringComparer.Ordinal);
        foreach (var site in Sites)
        {
            if (!Topics.IsValidId(site) || !sites.Add(site))
            {
                yield return new ValidationResult($"Central Sites: '{site}' is not a site id (a-z, 0-9, '-', '_') or appears twice.", [nameof(Sites)]);
            }
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Supervisors.Count; i++)
        {
            var supervisor = Supervisors[i];
            if (!UserName().IsMatch(supervisor.UserName) || !names.Add(supervisor.UserName))
            {
                yield return new ValidationResult($"Central Supervisors[{i}]: user name '{supervisor.UserName}' is not valid or appears twice.", [nameof(Supervisors)]);
            }

            if (supervisor.Site != CentralSupervisor.EverySite && !sites.Contains(supervisor.Site))
            {
                yield return new ValidationResult($"Central Supervisors[{i}]: site '{supervisor.Site}' is not one of Central Sites (or '+' for every site).", [nameof(Supervisors)]);
            }

            if (string.IsNullOrEmpty(supervisor.Password))
            {
                yield return new ValidationResult($"Central Supervisors[{i}]: set a Password for '{supervisor.UserName}'.", [nameof(Supervisors)]);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex UserName();
}

public sealed class CentralSupervisor
{
    /// <summary>An account whose site is this sees every site (as a broker account with site <c>+</c>).</summary>
    public const string EverySite = "+";

    public string UserName { get; set; } = "";

    public string? Password { get; set; }

    /// <summary>The one site this supervisor sees, or <see cref="EverySite"/>.</summary>
    public string Site { get; set; } = "";
}
