namespace Movement.Tests;

/// <summary>
/// The real recordings the tests read: <c>tests/recordings/</c> in this repository (trimmed, gzipped copies made by
/// <c>scripts/trim-recordings.sh</c>; credit in its README). Never <c>../shared</c>: a user's clone has nothing beside it.
/// Compiled into each test project that reads recordings.
/// </summary>
internal static class TestRecordings
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Movement.sln")))
            {
                var recordings = Path.Combine(dir.FullName, "tests", "recordings");
                return Directory.Exists(recordings)
                    ? recordings
                    : throw new DirectoryNotFoundException($"tests/recordings missing from the repository at {dir.FullName}");
            }
        }

        throw new DirectoryNotFoundException($"no Movement.sln above {AppContext.BaseDirectory}");
    }
}
