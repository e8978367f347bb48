namespace Movement.TestSupport;

/// <summary>
/// The quick unit-only run (<c>bash scripts/test.sh --unit</c>) sets <c>MOVEMENT_TEST_SCOPE=unit</c> and filters out
/// <c>[Trait("Category", "Integration")]</c>. Everything here that starts a server, a browser or listens on a port asks
/// first, so a test that needs one but lacks the trait fails with a message saying so instead of slipping into the unit run.
/// </summary>
public static class TestScope
{
    public const string Variable = "MOVEMENT_TEST_SCOPE";

    public static void EnsureServersAllowed(string what)
    {
        if (string.Equals(Environment.GetEnvironmentVariable(Variable), "unit", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{what} is not part of the unit-only run: mark the test class [Trait(\"Category\", \"Integration\")].");
        }
    }
}
