using Movement.Classifier;
using Movement.Classifier.Host;

if (args.Length > 0 && ReplayCommands.Names.Contains(args[0]))
{
    return ReplayCommands.Run(args, Console.Out, Console.Error);
}

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddClassifier();
await builder.Build().RunAsync();
return 0;
