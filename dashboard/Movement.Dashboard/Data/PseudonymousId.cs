using System.Security.Cryptography;

namespace Movement.Dashboard.Data;

/// <summary>Random ids that say nothing about the person: "p-" and 8 of a-z0-9 (valid in MQTT topics).</summary>
public static class PseudonymousId
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static string NewParticipantId() => "p-" + RandomNumberGenerator.GetString(Alphabet, 8);

    /// <summary>
    /// The cohort's reference outside this site (session state, central store): its database key, which says nothing
    /// of its name. Unique within the site only; the site keeps cohorts of different sites apart.
    /// </summary>
    public static string CohortReference(int cohortKey) => "c-" + cohortKey.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string NewSessionKey(int number) => $"s{number:D2}-" + RandomNumberGenerator.GetString(Alphabet, 6);
}
