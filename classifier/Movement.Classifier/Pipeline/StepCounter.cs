using Movement.Protocol;

namespace Movement.Classifier.Pipeline;

/// <summary>
/// Counts steps from a thigh-worn sensor (or a phone in a front trouser pocket, which sits on the thigh): peaks of
/// the band-passed acceleration magnitude, each foot's heel strike being one, with an adaptive height threshold and
/// a refractory period. Works at irregular sample rates; allocation-free per sample.
/// </summary>
/// <param name="peakFraction">A peak counts when above this share of the typical step's peak (chosen per person in <c>evaluate</c>).</param>
public sealed class StepCounter(double peakFraction = StepCounter.ShippedPeakFraction)
{
    /// <summary>The peak fraction the classifier runs: chosen on each Oxford person alike (docs/accuracy.md, "Steps").</summary>
    public const double ShippedPeakFraction = 0.5;

    private const double GravityTimeConstantS = 1.0;
    private const double SmoothingTimeConstantS = 0.05;
    private const double MinStepIntervalS = 0.3;
    private const double MaxStepIntervalS = 2.0;
    private const double MinPeakMs2 = 1.0;

    private long _lastUs = long.MinValue;
    private double _mean;
    private double _smoothed;
    private double _previous;
    private bool _rising;
    private double _typicalPeak = 3;
    private long _lastStepUs = long.MinValue;

    public long Steps { get; private set; }

    /// <summary>The height of the last counted step's peak (band-passed |a|, m/s²).</summary>
    public double LastPeakMs2 { get; private set; }

    /// <summary>Feeds one sample; returns true when it completes a step.</summary>
    public bool Add(in ImuSample sample)
    {
        var magnitude = Math.Sqrt((sample.AccelX * (double)sample.AccelX) + (sample.AccelY * (double)sample.AccelY) + (sample.AccelZ * (double)sample.AccelZ));
        if (_lastUs == long.MinValue || sample.TimestampUs - _lastUs > 1_000_000)
        {
            _lastUs = sample.TimestampUs;
            _mean = magnitude;
            _smoothed = 0;
            _previous = 0;
            return false;
        }

        var dtS = (sample.TimestampUs - _lastUs) / 1e6;
        if (dtS <= 0)
        {
            return false;
        }

        _lastUs = sample.TimestampUs;
        _mean += (magnitude - _mean) * (dtS / (GravityTimeConstantS + dtS));
        _smoothed += (magnitude - _mean - _smoothed) * (dtS / (SmoothingTimeConstantS + dtS));
        var counted = false;
        if (_smoothed < _previous && _rising)
        {
            // _previous was a local maximum.
            var peak = _previous;
            var sinceLastS = _lastStepUs == long.MinValue ? double.MaxValue : (sample.TimestampUs - _lastStepUs) / 1e6;
            if (peak > Math.Max(MinPeakMs2, peakFraction * _typicalPeak) && sinceLastS >= MinStepIntervalS)
            {
                Steps++;
                LastPeakMs2 = peak;
                counted = true;
                _lastStepUs = sample.TimestampUs;
                _typicalPeak += (peak - _typicalPeak) * 0.2;
            }
            else if (sinceLastS > MaxStepIntervalS)
            {
                // Stopped walking: let the threshold come down so the next, gentler walk is still counted.
                _typicalPeak = Math.Max(MinPeakMs2 / peakFraction, _typicalPeak * 0.9);
            }
        }

        _rising = _smoothed > _previous;
        _previous = _smoothed;
        return counted;
    }
}
