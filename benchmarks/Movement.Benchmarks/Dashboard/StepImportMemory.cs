using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Movement.Dashboard.HomeSteps;
using Movement.Store;

namespace Movement.Benchmarks.Dashboard;

/// <summary>
/// The step import of an Apple Health export.xml of a given size, end to end as the page runs it (format detection,
/// streaming reader, scratch database on disk, days per device): elapsed time, the process's peak working set and the
/// managed heap afterwards. The export is written first (two sources, one record a minute each, from 2021 on).
/// </summary>
public static class StepImportMemory
{
    public static async Task RunAsync(int megabytes, TextWriter output)
    {
        var folder = Directory.CreateTempSubdirectory("movement-import-bench-").FullName;
        try
        {
            var path = Path.Combine(folder, "export.xml");
            var records = Write(path, megabytes * 1_000_000L);
            var importer = new StepImporter(Options.Create(new StepImportOptions { TempDirectory = folder }),
                Options.Create(new StoreOptions { TimeZone = "Europe/London" }), TimeProvider.System, NullLogger<StepImporter>.Instance);
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var peakBefore = process.PeakWorkingSet64;
            var clock = Stopwatch.StartNew();
            var preview = await importer.ReadAsync(path, new DateOnly(2021, 1, 1), CancellationToken.None);
            clock.Stop();
            process.Refresh();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"export.xml {new FileInfo(path).Length / 1e6:F0} MB, {records:N0} step records: {preview.Days.Count:N0} device-days in {clock.Elapsed.TotalSeconds:F1} s; "
                + $"peak working set {process.PeakWorkingSet64 / 1e6:F0} MB (before the import {peakBefore / 1e6:F0} MB), managed heap after {GC.GetTotalMemory(true) / 1e6:F1} MB"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static long Write(string path, long bytes)
    {
        using var writer = new StreamWriter(path);
        writer.Write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE HealthData [
            <!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
            ]>
            <HealthData locale="en_GB">
             <ExportDate value="2026-11-01 09:00:00 +0000"/>

            """);
        var start = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
        long records = 0;
        while (writer.BaseStream.Position < bytes)
        {
            var from = start.AddMinutes(records / 2);
            var source = records % 2 == 0 ? "Phone" : "Watch";
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $" <Record type=\"HKQuantityTypeIdentifierStepCount\" sourceName=\"{source}\" sourceVersion=\"19.1\" unit=\"count\" creationDate=\"{from.AddMinutes(1):yyyy-MM-dd HH:mm:ss} +0000\" startDate=\"{from:yyyy-MM-dd HH:mm:ss} +0000\" endDate=\"{from.AddMinutes(1):yyyy-MM-dd HH:mm:ss} +0000\" value=\"{20 + (records % 7)}\"/>\n"));
            records++;
        }

        writer.Write("</HealthData>\n");
        return records;
    }
}
