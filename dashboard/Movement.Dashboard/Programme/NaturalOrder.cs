using System.Globalization;

namespace Movement.Dashboard.Programme;

/// <summary>
/// How the dashboard orders names people read: digits as numbers ("participant 2" before "participant 10"), case
/// ignored, the same whatever culture the server runs in.
/// </summary>
public static class NaturalOrder
{
    public static StringComparer Names { get; } =
        StringComparer.Create(CultureInfo.InvariantCulture, CompareOptions.NumericOrdering | CompareOptions.IgnoreCase);
}
