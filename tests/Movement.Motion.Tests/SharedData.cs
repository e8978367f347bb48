namespace Movement.Motion.Tests;

/// <summary>Locates the shared real recordings: <c>../shared/data</c> beside the repository root (the folder holding Movement.sln).</summary>
internal static class SharedData
{
    public static string Directory()
    {
        string? root = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Movement.sln")))
            {
                root = dir.FullName;
                break;
            }
        }

        Assert.NotNull(root);
        // A git worktree may sit deeper than the main checkout, so look beside each ancestor.
        for (var dir = new DirectoryInfo(root).Parent; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"shared/data not found beside {root} or its parents");
    }
}
