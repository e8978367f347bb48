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

    /// <summary>The real recordings kept in the repository (<c>tests/recordings</c>, trimmed copies; credit in its README).</summary>
    public static string Recordings(string root) => Path.Combine(root, "tests", "recordings");
}
