using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Movement.Dashboard.Data;

namespace Movement.Dashboard.HomeSteps;

/// <summary>Creates, lists, revokes and checks device tokens (<see cref="DeviceToken"/>).</summary>
public sealed class DeviceTokens(IDbContextFactory<DashboardDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Recognisable in a leaked config file or a secret scanner.</summary>
    public const string Prefix = "mvt_";

    public const int MaxNameLength = 60;

    /// <summary>A new token for the participant: the stored record, and the token itself (shown once, never kept).</summary>
    public async Task<(DeviceToken Record, string Token)> CreateAsync(string participantId, string name, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"A device name has 1 to {MaxNameLength} characters.", nameof(name));
        }

        // 256 random bits: far beyond guessing, so a plain SHA-256 (no salt, no stretching) is enough to store it.
        var token = Prefix + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var record = new DeviceToken { ParticipantId = participantId, Name = name, TokenHash = Hash(token), CreatedAt = time.GetUtcNow() };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.DeviceTokens.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return (record, token);
    }

    public async Task<List<DeviceToken>> ListAsync(string participantId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DeviceTokens.AsNoTracking().Where(t => t.ParticipantId == participantId).OrderBy(t => t.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Revokes one of the participant's tokens; false when they have no such token.</summary>
    public async Task<bool> RevokeAsync(string participantId, int tokenId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.DeviceTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.ParticipantId == participantId, cancellationToken);
        if (token is null)
        {
            return false;
        }

        token.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The live token a request presents (its last use noted), or null for an unknown or revoked one.</summary>
    public async Task<DeviceToken?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.DeviceTokens.SingleOrDefaultAsync(t => t.TokenHash == hash && t.RevokedAt == null, cancellationToken);
        if (record is not null)
        {
            record.LastUsedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        return record;
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
