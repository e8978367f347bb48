namespace Movement.Classifier.Tests.RealData;

/// <summary>Finds the real recordings: <c>../shared/data</c> next to the repository root (the folder with Movement.sln).</summary>
internal static class SharedData
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Movement.sln")))
            {
                // ../shared/data from the repository root; a git worktree sits one level deeper, so look further up.
                for (var up = dir.Parent; up is not null; up = up.Parent)
                {
                    var data = Path.Combine(up.FullName, "shared", "data");
                    if (Directory.Exists(data))
                    {
                        return data;
                    }
                }

                throw new DirectoryNotFoundException($"real recordings not found in ../shared/data above {dir.FullName}");
            }
        }

        throw new DirectoryNotFoundException($"no Movement.sln above {AppContext.BaseDirectory}");
    }
}
