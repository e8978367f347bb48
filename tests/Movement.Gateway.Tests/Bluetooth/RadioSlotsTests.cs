using Movement.Gateway.Bluetooth;

namespace Movement.Gateway.Tests.Bluetooth;

public sealed class RadioSlotsTests
{
    private static readonly string[] Both = ["hci0", "hci1"];

    [Fact]
    public void TryAcquire_SensorsSeenByBoth_SpreadOverTheLeastLoadedAdapter()
    {
        var slots = new RadioSlots(Both, linksPerAdapter: 2);

        Assert.True(slots.TryAcquire("a", Both, out var first));
        Assert.True(slots.TryAcquire("b", Both, out var second));
        Assert.True(slots.TryAcquire("c", Both, out var third));

        Assert.Equal("hci0", first);
        Assert.Equal("hci1", second);
        Assert.Equal("hci0", third);
        Assert.Equal(2, slots.Load("hci0"));
        Assert.Equal(1, slots.Load("hci1"));
    }

    [Fact]
    public void TryAcquire_OnlyOneAdapterSeesTheSensor_UsesItEvenWhenMoreLoaded()
    {
        var slots = new RadioSlots(Both, linksPerAdapter: 3);
        slots.TryAcquire("a", ["hci1"], out _);

        Assert.True(slots.TryAcquire("b", ["hci1"], out var adapter));

        Assert.Equal("hci1", adapter);
        Assert.Equal(0, slots.Load("hci0"));
    }

    [Fact]
    public void TryAcquire_EveryAdapterFull_FailsAndPutsTheSensorInLine()
    {
        var slots = new RadioSlots(Both, linksPerAdapter: 1);
        slots.TryAcquire("a", Both, out _);
        slots.TryAcquire("b", Both, out _);

        Assert.False(slots.TryAcquire("c", Both, out _));
        Assert.False(slots.TryAcquire("c", Both, out _));

        Assert.Equal(["c"], slots.Waiting);
    }

    [Fact]
    public void TryAcquire_FullAdapterButAnotherUnseen_DoesNotUseTheUnseenOne()
    {
        var slots = new RadioSlots(Both, linksPerAdapter: 1);
        slots.TryAcquire("a", ["hci0"], out _);

        Assert.False(slots.TryAcquire("b", ["hci0"], out _));
        Assert.Equal(0, slots.Load("hci1"));
    }

    [Fact]
    public void Release_ASensorWaits_SlotIsReservedForTheWaiterNotRetakenByTheOneThatDropped()
    {
        var slots = new RadioSlots(["hci0"], linksPerAdapter: 1);
        slots.TryAcquire("a", ["hci0"], out _);
        slots.TryAcquire("b", ["hci0"], out _);

        var reservedFor = slots.Release("a");

        Assert.Equal("b", reservedFor);
        Assert.False(slots.TryAcquire("a", ["hci0"], out _));
        Assert.True(slots.TryAcquire("b", ["hci0"], out var adapter));
        Assert.Equal("hci0", adapter);
        Assert.Equal(["a"], slots.Waiting);
    }

    [Fact]
    public void Release_FirstWaiterCannotSeeTheFreedAdapter_NextWaiterThatCanGetsIt()
    {
        var slots = new RadioSlots(Both, linksPerAdapter: 1);
        slots.TryAcquire("a", ["hci0"], out _);
        slots.TryAcquire("b", ["hci1"], out _);
        slots.TryAcquire("c", ["hci1"], out _);
        slots.TryAcquire("d", ["hci0"], out _);

        Assert.Equal("d", slots.Release("a"));
        Assert.Equal(["c"], slots.Waiting);
    }

    [Fact]
    public void Release_WaiterLeavesTheLine_NoSlotIsHeldForIt()
    {
        var slots = new RadioSlots(["hci0"], linksPerAdapter: 1);
        slots.TryAcquire("a", ["hci0"], out _);
        slots.TryAcquire("b", ["hci0"], out _);
        slots.Release("b");

        Assert.Null(slots.Release("a"));
        Assert.Equal(0, slots.Load("hci0"));
        Assert.Empty(slots.Waiting);
    }

    [Fact]
    public void Release_ReservedSensorNoLongerWantsIt_ReservationPassesToTheNextWaiter()
    {
        var slots = new RadioSlots(["hci0"], linksPerAdapter: 1);
        slots.TryAcquire("a", ["hci0"], out _);
        slots.TryAcquire("b", ["hci0"], out _);
        slots.TryAcquire("c", ["hci0"], out _);
        slots.Release("a");

        Assert.Equal("c", slots.Release("b"));
        Assert.True(slots.TryAcquire("c", ["hci0"], out _));
    }

    [Fact]
    public void TryAcquire_HeldSlotOnAdapterThatLostSight_MovesToOneThatSeesIt()
    {
        var slots = new RadioSlots(Both, linksPerAdapter: 1);
        slots.TryAcquire("a", ["hci0"], out _);

        Assert.True(slots.TryAcquire("a", ["hci1"], out var adapter));

        Assert.Equal("hci1", adapter);
        Assert.Equal(0, slots.Load("hci0"));
    }
}
