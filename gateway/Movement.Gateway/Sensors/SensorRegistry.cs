using Microsoft.Extensions.Options;

namespace Movement.Gateway.Sensors;

/// <summary>Looks up configured sensors by Bluetooth address; anything not configured is ignored.</summary>
public sealed class SensorRegistry(IOptions<SensorRegistryOptions> options)
{
    private readonly Dictionary<string, SensorRegistration> _byAddress =
        options.Value.Sensors.ToDictionary(s => s.NormalizedAddress, StringComparer.Ordinal);

    public IReadOnlyCollection<SensorRegistration> All => _byAddress.Values;

    public bool TryGet(string address, out SensorRegistration registration) =>
        _byAddress.TryGetValue(address.Trim().ToUpperInvariant(), out registration!);
}
