namespace Movement.Classifier.Pipeline;

/// <summary>
/// Cuts a one-dimensional joint-angle signal into repetitions: leave rest in the stream's outward direction,
/// reach a furthest point, come back. Thresholds scale with the participant's own range (from their first reps),
/// so a 70° knee extension and a 12° leg raise are both segmented, and a partial rep still counts.
/// Allocation-free: one instance per sensor stream, fed one sample at a time.
/// </summary>
internal struct RepSegmenter
{
    private const double MinStartDeg = 2.5;
    private const double InitialStartDeg = 5;
    private const double StartFractionOfBaseline = 0.2;
    private const double MinRepDurationS = 0.4;
    private const double MaxRepDurationS = 30;
    private const double RestFollowInwardS = 0.25;
    private const double RestFollowOutwardS = 2.0;

    private bool _inRep;
    private bool _returning;
    private int _direction; // +1 or -1: which way along the axis is "outward"; learned from the first rep
    private bool _directionKnown; // given by the caller (a rise is up): never learned, never flipped
    private double _restDeg;
    private long _quietUs; // last time the angle was at rest: a rep started no earlier than this
    private double _startDeg;
    private long _startUs;
    private double _peakExcursionDeg;
    private long _peakUs;
    private double _peakSpeedDps;
    private double _speedSumDps;
    private int _samples;
    private double _swayMinDeg;
    private double _swayMaxDeg;
    private double _baselineRomDeg;
    private int _baselineCount;
    private bool _initialized;
    private double _anchorDeg; // where the limb rested when the last rep ended (or the stream began)
    private long _anchorUs;
    private long _nearPeakToUs;
    private double[]? _trace; // the excursion every _traceIntervalUs since the start, halved in resolution when full
    private int _traceCount;
    private long _traceIntervalUs;
    private long _nextTraceUs;
    private const int TraceLength = 48;
    private const long InitialTraceIntervalUs = 50_000;

    /// <summary>How often the outward direction was found to be the other way round (see <see cref="Add"/>).</summary>
    public int DirectionFlips { get; private set; }

    /// <summary>Range of motion of the participant's first reps on this stream (0 until there is one).</summary>
    public readonly double BaselineRomDeg => _baselineRomDeg;

    public readonly bool InRep => _inRep;

    /// <summary>Starts afresh with a known outward direction (+1 or -1), which the first reps then cannot change.</summary>
    public static RepSegmenter WithOutwardDirection(int direction) => new() { _direction = Math.Sign(direction), _directionKnown = true };

    public void Reset()
    {
        var direction = _direction;
        var baseline = _baselineRomDeg;
        var count = _baselineCount;
        var flips = DirectionFlips;
        var known = _directionKnown;
        var trace = _trace;
        this = default;
        DirectionFlips = flips;
        _directionKnown = known;
        _trace = trace;
        _direction = direction; // posture and rhythm survive a gap; the half-seen rep does not
        _baselineRomDeg = baseline;
        _baselineCount = count;
    }

    /// <param name="angleDeg">Integrated rotation about the movement axis (arbitrary zero).</param>
    /// <param name="axisSpeedDps">Angular velocity about the movement axis.</param>
    /// <param name="outOfPlaneDeg">Tilt of gravity out of the movement plane, for sway.</param>
    public bool Add(long timeUs, double dtS, double angleDeg, double axisSpeedDps, double outOfPlaneDeg, out RepMeasurement rep)
    {
        rep = default;
        if (!_initialized)
        {
            _initialized = true;
            _restDeg = angleDeg;
            _quietUs = timeUs;
            _anchorDeg = angleDeg;
            _anchorUs = timeUs;
            return false;
        }

        var startThreshold = _baselineRomDeg > 0 ? Math.Max(MinStartDeg, StartFractionOfBaseline * _baselineRomDeg) : InitialStartDeg;
        if (!_inRep)
        {
            var offset = angleDeg - _restDeg;
            var outward = _direction == 0 ? Math.Abs(offset) : _direction * offset;
            if (outward > startThreshold)
            {
                if (_direction == 0)
                {
                    _direction = Math.Sign(offset);
                }

                BeginRep(timeUs);
                return false;
            }

            if (_direction != 0 && _baselineCount < 3 && !_directionKnown)
            {
                // Until the baseline is set the direction is provisional: a twitch may have set it. A movement the
                // other way, well beyond the reps seen so far, is the real exercise (a slow raise that rests were
                // following). Flip, and measure this rep from where the limb rested before it.
                var inward = -_direction * (angleDeg - _anchorDeg);
                if (inward > Math.Max(2 * startThreshold, 1.2 * _baselineRomDeg))
                {
                    _direction = -_direction;
                    _baselineCount = 0;
                    _baselineRomDeg = 0;
                    DirectionFlips++;
                    _restDeg = _anchorDeg;
                    _quietUs = _anchorUs;
                    BeginRep(timeUs);
                    return false;
                }
            }

            // Rest follows the angle: quickly back towards inward, slowly outward (posture shifts between reps).
            var follow = outward <= 0 ? RestFollowInwardS : RestFollowOutwardS;
            _restDeg += offset * Math.Min(1, dtS / follow);
            if (outward < 0.3 * startThreshold)
            {
                _quietUs = timeUs;
            }

            return false;
        }

        var excursion = _direction * (angleDeg - _startDeg);
        var speed = Math.Abs(axisSpeedDps);
        _samples++;
        _speedSumDps += speed;
        _peakSpeedDps = Math.Max(_peakSpeedDps, speed);
        _swayMinDeg = Math.Min(_swayMinDeg, outOfPlaneDeg);
        _swayMaxDeg = Math.Max(_swayMaxDeg, outOfPlaneDeg);
        if (excursion > _peakExcursionDeg)
        {
            _peakExcursionDeg = excursion;
            _peakUs = timeUs;
            _returning = false;
        }

        if (excursion >= NearPeakFraction * _peakExcursionDeg)
        {
            _nearPeakToUs = timeUs;
        }

        Trace(timeUs, excursion);

        var elapsedS = (timeUs - _startUs) / 1e6;
        if (elapsedS > MaxRepDurationS)
        {
            // Held far too long: a change of posture, not a repetition.
            EndWithoutRep(angleDeg, timeUs);
            return false;
        }

        var confirmed = _peakExcursionDeg >= 1.5 * startThreshold;
        if (!confirmed)
        {
            if (excursion < 0.5 * startThreshold)
            {
                EndWithoutRep(angleDeg, timeUs); // a twitch, not a rep
            }

            return false;
        }

        if (excursion < 0.5 * _peakExcursionDeg)
        {
            _returning = true;
        }

        if (!_returning)
        {
            return false;
        }

        // Back when near the start, or when the return has stopped (the limb settled a little short of it).
        var settled = speed < Math.Max(4, 0.1 * _peakSpeedDps);
        if (excursion > 0.12 * _peakExcursionDeg && !settled)
        {
            return false;
        }

        var durationS = (timeUs - _startUs) / 1e6;
        if (durationS < MinRepDurationS)
        {
            EndWithoutRep(angleDeg, timeUs);
            return false;
        }

        var smoothness = _peakSpeedDps > 0 ? _speedSumDps / _samples / _peakSpeedDps : 1;
        rep = new RepMeasurement(_startUs, timeUs, _peakUs, _peakExcursionDeg, _peakSpeedDps, smoothness, _swayMaxDeg - _swayMinDeg,
            NearPeakFromUs(), _nearPeakToUs);
        if (_baselineCount < 3)
        {
            // The first reps define the participant's range on this stream (mean of the first three).
            _baselineCount++;
            _baselineRomDeg = _baselineCount == 1 ? _peakExcursionDeg : _baselineRomDeg + ((_peakExcursionDeg - _baselineRomDeg) / _baselineCount);
        }

        EndWithoutRep(angleDeg, timeUs);
        return true;
    }

    private const double NearPeakFraction = 0.9;

    /// <summary>Keeps the excursion at a coarse, fixed number of points: enough to find when the peak was first approached.</summary>
    private void Trace(long timeUs, double excursion)
    {
        // Every slot up to now gets a value, so slot i is the excursion at start + i intervals (the first slots,
        // before the rep was recognised as one, get the small excursion it had then).
        while (timeUs >= _nextTraceUs)
        {
            if (_traceCount == TraceLength)
            {
                // Full: keep every other point and sample half as often from now on (allocation-free for any length).
                for (var i = 0; i < TraceLength / 2; i++)
                {
                    _trace![i] = _trace[2 * i];
                }

                _traceCount = TraceLength / 2;
                _traceIntervalUs *= 2;
            }

            _trace![_traceCount++] = excursion;
            _nextTraceUs = _startUs + (_traceCount * _traceIntervalUs);
        }
    }

    private readonly long NearPeakFromUs()
    {
        for (var i = 0; i < _traceCount; i++)
        {
            if (_trace![i] >= NearPeakFraction * _peakExcursionDeg)
            {
                return Math.Min(_startUs + (i * _traceIntervalUs), _peakUs);
            }
        }

        return _peakUs;
    }

    private void BeginRep(long now)
    {
        _trace ??= new double[TraceLength];
        _traceCount = 0;
        _traceIntervalUs = InitialTraceIntervalUs;
        _nextTraceUs = _quietUs; // the rep's start (set just below)
        _nearPeakToUs = 0;
        _inRep = true;
        _returning = false;
        _startDeg = _restDeg;
        _startUs = _quietUs;
        _peakExcursionDeg = 0;
        _peakUs = now;
        _peakSpeedDps = 0;
        _speedSumDps = 0;
        _samples = 0;
        _swayMinDeg = double.MaxValue;
        _swayMaxDeg = double.MinValue;
    }

    private void EndWithoutRep(double angleDeg, long timeUs)
    {
        _inRep = false;
        _restDeg = angleDeg;
        _quietUs = timeUs;
        _anchorDeg = angleDeg;
        _anchorUs = timeUs;
    }
}
