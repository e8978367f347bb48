using Movement.Motion.Plots;

// Compares simulated and real seated knee extension on the right shank and writes PNG plots.
// Usage: dotnet run --project models/Movement.Motion.Plots [output-dir]
var root = RepositoryRoot.Find();
var output = args.Length > 0 ? args[0] : Path.Combine(root, "docs", "img");
Directory.CreateDirectory(output);
var report = KneeExtensionComparison.Run(root, output);
Console.WriteLine(report);
Console.WriteLine(SessionOverview.Run(output));
Console.WriteLine(CatalogueSummary.Run());
Console.WriteLine(WalkingCheck.Run(RepositoryRoot.Recordings(root)));
