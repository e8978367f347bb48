using Movement.Gateway;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddGateway();
await builder.Build().RunAsync();
