namespace Movement.TestSupport;

/// <summary>Where browser tests put screenshots: docs/img when MOVEMENT_UPDATE_SCREENSHOTS=1, else the temp folder.</summary>
public static class Screenshots
{
    public static string PathFor(string name) =>
        Environment.GetEnvironmentVariable("MOVEMENT_UPDATE_SCREENSHOTS") == "1"
            ? System.IO.Path.Combine(RepositoryRoot.Path, "docs", "img", name)
            : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "movement-" + name);
}
