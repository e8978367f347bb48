using Movement.Dashboard;

var builder = WebApplication.CreateBuilder(args);
builder.AddMovementSystem();
var app = builder.Build();
app.UseMovementDashboard();
await app.RunAsync();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
