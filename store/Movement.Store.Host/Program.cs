using Movement.Store;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddStore();
await builder.Build().RunAsync();
