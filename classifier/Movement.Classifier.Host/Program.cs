using Movement.Classifier;
using Movement.Classifier.Pipeline;
using Movement.Classifier.Replay;

if (args.Length > 0 && args[0] == "debug-steps")
{
    foreach (var dir in Directory.GetDirectories(args[1]).Order())
    {
        var c = new StepCounter();
        foreach (var s in OxfordRecording.ReadAccelerometer(Path.Combine(dir, "accelerometer.csv")))
        {
            c.Add(s);
        }

        var truth = OxfordRecording.ReadTrueSteps(Path.Combine(dir, "stepcounter.csv"));
        Console.WriteLine($"{Path.GetFileName(dir)} {c.Steps} vs {truth}: {100.0 * (c.Steps - truth) / truth:F1}%");
    }

    return;
}

if (args.Length > 0 && args[0] == "debug-eval")
{
    foreach (var e in new[] { "e1", "e3", "e4", "e5" })
    {
        foreach (var u in new[] { "u2", "u3" })
        {
            var r = UciSessionResult.Evaluate(Path.Combine(args[1], e, u, "test.txt"), e, u);
            Console.WriteLine($"{e} {u} reps={r.Reps} fast P={r.TooFast.Precision:F2} R={r.TooFast.Recall:F2} F1={r.TooFast.F1:F2} partial P={r.PartialRange.Precision:F2} R={r.PartialRange.Recall:F2} F1={r.PartialRange.F1:F2}");
        }
    }

    return;
}

if (args.Length > 0 && args[0] == "debug-uci")
{
    var p = new SensorPipeline();
    var samples = UciRecording.Read(args[1]);
    var n = 0;
    foreach (var s in samples)
    {
        if (p.Add(s, out var r))
        {
            n++;
            Console.WriteLine($"{n,3} t={r.StartUs / 1e6,7:F1}-{r.EndUs / 1e6,7:F1} dur={r.DurationS,5:F1} out={r.OutwardS,4:F1} ret={r.ReturnS,4:F1} rom={r.RomDeg,5:F1} pv={r.PeakAngularVelocityDps,5:F0} sm={r.Smoothness:F2} sway={r.SwayDeg:F1}");
        }
    }

    return;
}

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddClassifier();
await builder.Build().RunAsync();
