namespace Movement.Motion.Plots;

internal static class RepositoryRoot
{
    /// <summary>The folder holding Movement.sln, found by walking up from the program's folder.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Movement.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Movement.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The shared real recordings: <c>../shared/data</c> beside the repository (or beside a parent, for git worktrees).</summary>
    public static string SharedData(string root)
    {
        for (var dir = new DirectoryInfo(root).Parent; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/data not found beside " + root + " or its parents");
    }
}
