using Movement.Dashboard.Programme;

namespace Movement.Dashboard.Tests.Programme;

public sealed class NaturalOrderTests
{
    [Fact]
    public void Names_NumbersInNames_SortByValueIgnoringCase()
    {
        string[] names = ["participant 10", "Participant 2", "participant 1", "Anna", "participant 02b", "participant 9"];

        var sorted = names.Order(NaturalOrder.Names).ToArray();

        Assert.Equal(["Anna", "participant 1", "Participant 2", "participant 02b", "participant 9", "participant 10"], sorted);
    }
}
