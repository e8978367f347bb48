using Movement.Classifier;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddClassifier();
await builder.Build().RunAsync();
