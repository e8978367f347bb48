using System.Security.Cryptography;

namespace Movement.Dashboard.Data;

/// <summary>Random ids that say nothing about the person: "p-" and 8 of a-z0-9 (valid in MQTT topics).</summary>
public static class PseudonymousId
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static string NewParticipantId() => "p-" + RandomNumberGenerator.GetString(Alphabet, 8);

    public static string NewSessionKey(int number) => $"s{number:D2}-" + RandomNumberGenerator.GetString(Alphabet, 6);
}
