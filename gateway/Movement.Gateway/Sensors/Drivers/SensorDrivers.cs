using Movement.Protocol;

namespace Movement.Gateway.Sensors.Drivers;

public static class SensorDrivers
{
    public static ISensorDriver Create(SensorRegistration registration) => registration.Kind switch
    {
        SensorKind.Thingy52 => new Thingy52Driver(registration.SampleRateHz),
        SensorKind.PolarPmd => new PolarPmdDriver(registration.SampleRateHz),
        SensorKind.Movesense => new MovesenseDriver(registration.SampleRateHz),
        SensorKind.InfiniTime => new InfiniTimeDriver(),
        SensorKind.RscFootPod => new RscDriver(),
        _ => throw new ArgumentOutOfRangeException(nameof(registration), registration.Kind, "unknown sensor kind"),
    };

    public static string KindName(SensorKind kind) => kind switch
    {
        SensorKind.Thingy52 => "thingy52",
        SensorKind.PolarPmd => "polar-pmd",
        SensorKind.Movesense => "movesense",
        SensorKind.InfiniTime => "infinitime",
        SensorKind.RscFootPod => "rsc-footpod",
        _ => "unknown",
    };
}
