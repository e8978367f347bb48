namespace Movement.Dashboard.Access;

/// <summary>
/// What a signed-in user is told when a page is not theirs, the same on a full page load (HTTP 403) and when the
/// router refuses it in the circuit: whose page it is, and where their own is.
/// </summary>
public static class AccessDeniedText
{
    /// <param name="participantPage">The page is about one participant (it has a participant id in its address).</param>
    public static string For(bool participantPage) => participantPage
        ? "This page belongs to another participant: you can see only your own."
        : "This page is for class supervisors. Your own page has your steps and class sessions.";
}
