using System.Globalization;
using System.Xml;

namespace Movement.Dashboard.HomeSteps;

/// <summary>
/// Reads step counts from Apple Health's <c>export.xml</c> (in the export's <c>apple_health_export</c> folder) with an
/// <see cref="XmlReader"/>, one element at a time: the document is never loaded, so a file of hundreds of MB takes
/// the memory of one record. The root is <c>HealthData</c>; steps are its <c>Record</c> elements with
/// <c>type="HKQuantityTypeIdentifierStepCount"</c>, <c>sourceName</c> (the device or app, e.g. "Jo's Apple Watch"),
/// <c>startDate</c> and <c>endDate</c> ("2026-03-29 01:30:00 +0100": local time and its offset) and <c>value</c> (the
/// steps). Every other element is skipped.
/// </summary>
public static class AppleHealthReader
{
    public const string StepCountType = "HKQuantityTypeIdentifierStepCount";

    /// <summary>True when the file's first non-blank character opens XML.</summary>
    public static bool LooksLikeXml(ReadOnlySpan<byte> header)
    {
        var text = header.StartsWith("\uFEFF"u8) ? header[3..] : header;
        var start = text.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && text[start] == (byte)'<';
    }

    /// <summary>
    /// The step records with steps, in the file's order; sources are added to <paramref name="sources"/> as they are
    /// met. Throws <see cref="StepImportException"/> naming the line: malformed XML, another root than HealthData, a
    /// record without a date or value, a value that is not a whole number of steps.
    /// </summary>
    public static IEnumerable<ImportedSample> Read(Stream stream, ImportedSources sources, CancellationToken cancellationToken = default)
    {
        // The export carries an internal DTD: ignored, and nothing outside the file is ever fetched.
        using var reader = XmlReader.Create(stream, new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true,
            IgnoreProcessingInstructions = true, CloseInput = false,
        });
        var lines = (IXmlLineInfo)reader;
        var rootSeen = false;
        while (Next(reader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (!rootSeen)
            {
                rootSeen = true;
                if (reader.LocalName != "HealthData")
                {
                    throw new StepImportException($"The XML's root element is <{reader.LocalName}>, not <HealthData>: this is not Apple Health's export.xml.");
                }

                continue;
            }

            if (reader.LocalName != "Record" || reader.GetAttribute("type") != StepCountType)
            {
                continue;
            }

            var where = $"line {lines.LineNumber}";
            var start = Date(reader, "startDate", where);
            var end = Date(reader, "endDate", where);
            var steps = Steps(reader, where);
            if (steps == 0)
            {
                continue;
            }

            var sourceName = reader.GetAttribute("sourceName") is { Length: > 0 } name ? name : "Apple Health";
            yield return new ImportedSample(sources.IndexOf(new ImportedSourceName(sourceName, sourceName)), start, end, steps, $"{where} ({sourceName})");
        }

        if (!rootSeen)
        {
            throw new StepImportException("The file has no XML element: this is not Apple Health's export.xml.");
        }
    }

    private static bool Next(XmlReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (XmlException e)
        {
            throw new StepImportException($"The XML is malformed at line {e.LineNumber}, position {e.LinePosition}: {e.Message}", e);
        }
    }

    /// <summary>"2026-03-29 01:30:00 +0100" (Apple's format); an ISO 8601 date-time with an offset is taken too.</summary>
    internal static bool TryParseDate(string text, out DateTimeOffset instant)
    {
        // Apple writes the offset without a colon (+0100), which .NET's offset patterns do not read.
        if (text.Length == 25 && text[19] == ' ' && text[20] is '+' or '-')
        {
            text = string.Concat(text.AsSpan(0, 23), ":", text.AsSpan(23));
        }

        return DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss zzz", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    private static DateTimeOffset Date(XmlReader reader, string attribute, string where) =>
        reader.GetAttribute(attribute) is not { } text
            ? throw new StepImportException($"{where}: a step record has no {attribute}.")
            : TryParseDate(text, out var instant)
                ? instant
                : throw new StepImportException($"{where}: {attribute} \"{text}\" is not a date like 2026-03-29 01:30:00 +0100.");

    private static long Steps(XmlReader reader, string where)
    {
        var text = reader.GetAttribute("value") ?? throw new StepImportException($"{where}: a step record has no value.");
        if (reader.GetAttribute("unit") is { } unit && unit != "count")
        {
            throw new StepImportException($"{where}: the unit is \"{unit}\"; steps are a count.");
        }

        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value != decimal.Truncate(value) || value is > long.MaxValue or < long.MinValue)
        {
            throw new StepImportException($"{where}: value \"{text}\" is not a whole number of steps.");
        }

        return value < 0 ? throw new StepImportException($"{where}: value {text} is a negative count of steps.") : (long)value;
    }
}
