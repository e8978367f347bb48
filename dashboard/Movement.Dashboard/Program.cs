using Movement.Dashboard;

await DashboardHost.Build(args).RunAsync();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
