using Movement.Gateway;
#if WITH_SIMULATOR
using Movement.Gateway.Simulation;
#endif

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddGateway();
#if WITH_SIMULATOR
builder.Services.AddGatewaySimulator();
#endif
await builder.Build().RunAsync();
