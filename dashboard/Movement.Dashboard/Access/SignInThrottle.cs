using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Movement.Dashboard.Data;

namespace Movement.Dashboard.Access;

/// <summary>
/// Signs users in by password with growing delays after failures, per client address and per account, instead of a
/// hard lock that anyone who knows a user name could trigger. Unknown and known user names get the same answer after
/// the same work (a password hash is verified either way). Failed attempts are logged without the password, with the
/// user name as a short keyed hash.
/// </summary>
public sealed partial class SignInThrottle(TimeProvider time, ILogger<SignInThrottle> logger)
{
    // A shared tablet or a NAT may carry several people's attempts: an address gets more free failures than an account.
    private readonly FailureDelays _byAddress = new(time, freeFailures: 10);
    private readonly FailureDelays _byAccount = new(time, freeFailures: 3);
    private readonly byte[] _logKey = RandomNumberGenerator.GetBytes(32);
    private string? _dummyHash;

    public enum Outcome
    {
        SignedIn,
        Refused,
        Wait,
    }

    public sealed record Result(Outcome Outcome, TimeSpan RetryAfter);

    public async Task<Result> SignInAsync(SignInManager<DashboardUser> signIn, string userName, string password, string clientAddress)
    {
        var account = userName.Trim().ToUpperInvariant();
        var wait = Max(_byAddress.Remaining(clientAddress), _byAccount.Remaining(account));
        if (wait > TimeSpan.Zero)
        {
            LogThrottled(logger, Pseudonym(userName), clientAddress, wait);
            return new Result(Outcome.Wait, wait);
        }

        var user = await signIn.UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            // Do a hash verification all the same, so an unknown name costs what a wrong password costs.
            var hasher = signIn.UserManager.PasswordHasher;
            _dummyHash ??= hasher.HashPassword(new DashboardUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
            hasher.VerifyHashedPassword(new DashboardUser(), _dummyHash, password);
        }
        else if ((await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: false)).Succeeded)
        {
            _byAccount.Reset(account);
            return new Result(Outcome.SignedIn, TimeSpan.Zero);
        }

        _byAddress.RecordFailure(clientAddress);
        _byAccount.RecordFailure(account);
        LogFailed(logger, Pseudonym(userName), clientAddress);
        return new Result(Outcome.Refused, Max(_byAddress.Remaining(clientAddress), _byAccount.Remaining(account)));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>A user name as it may appear in logs: a keyed hash, stable for this process, not reversible.</summary>
    private string Pseudonym(string userName) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_logKey, Encoding.UTF8.GetBytes(userName.Trim().ToUpperInvariant())))[..12];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed sign-in for user #{UserPseudonym} from {ClientAddress}")]
    private static partial void LogFailed(ILogger logger, string userPseudonym, string clientAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in for user #{UserPseudonym} from {ClientAddress} refused unchecked: next attempt allowed in {Wait}")]
    private static partial void LogThrottled(ILogger logger, string userPseudonym, string clientAddress, TimeSpan wait);
}

/// <summary>Growing waits after failed attempts, per key (a client address, an account): bounded, forgotten after an hour.</summary>
public sealed class FailureDelays(TimeProvider time, int freeFailures)
{
    /// <summary>The wait after the <c>freeFailures</c>-th failure; each further failure doubles it, up to <see cref="MaxDelay"/>.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    // Keys untouched this long are forgotten once there are many (bounded memory under a scan of many names).
    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);
    private const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    private sealed record Failures(int Count, DateTimeOffset Last);

    public void RecordFailure(string key)
    {
        var now = time.GetUtcNow();
        _failures.AddOrUpdate(key, new Failures(1, now), (_, f) => new Failures(f.Count + 1, now));
        if (_failures.Count > MaxKeys)
        {
            foreach (var (old, failures) in _failures)
            {
                if (now - failures.Last > Forget)
                {
                    _failures.TryRemove(old, out _);
                }
            }
        }
    }

    public void Reset(string key) => _failures.TryRemove(key, out _);

    /// <summary>How long <paramref name="key"/> must still wait before its next attempt.</summary>
    public TimeSpan Remaining(string key)
    {
        if (!_failures.TryGetValue(key, out var failures) || failures.Count < freeFailures)
        {
            return TimeSpan.Zero;
        }

        var delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Min(20, failures.Count - freeFailures)));
        var remaining = failures.Last + delay - time.GetUtcNow();
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}
