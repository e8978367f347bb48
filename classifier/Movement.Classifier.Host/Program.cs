using Movement.Classifier;
using Movement.Classifier.Pipeline;
using Movement.Classifier.Replay;

if (args.Length > 0 && args[0] == "debug-uci")
{
    var p = new SensorPipeline();
    var samples = UciRecording.Read(args[1]);
    var n = 0;
    var trace = Environment.GetEnvironmentVariable("TRACE") == "1";
    var i = 0;
    foreach (var s in samples)
    {
        if (trace && i++ % 10 == 0)
        {
            Console.Write($"{p.AngleDeg:F0}{(p.InRep ? "*" : "")} ");
        }

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
