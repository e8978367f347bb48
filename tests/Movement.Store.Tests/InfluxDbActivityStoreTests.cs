using Movement.Store.InfluxDb;

namespace Movement.Store.Tests;

/// <summary>
/// The contract suite against a real InfluxDB 1.6.7: writes go through InfluxDB.Client to nginx's /api/v2/write
/// mapping, reads are InfluxQL over /query.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InfluxDbActivityStoreTests(InfluxDbFixture influx) : ActivityStoreContractTests, IClassFixture<InfluxDbFixture>, IDisposable
{
    private readonly List<InfluxDbActivityStore> _stores = [];

    protected override IActivityStore CreateStore(TimeZoneInfo zone)
    {
        var store = influx.CreateStore(zone);
        _stores.Add(store);
        return store;
    }

    public void Dispose() => _stores.ForEach(s => s.Dispose());
}
