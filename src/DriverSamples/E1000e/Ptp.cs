namespace E1000e;

/// <summary>
/// The PTP hardware clock (ptp.c + the cyclecounter/timecounter pair): SYSTIM counts in 1/256 ns because TIMINCA
/// adds 16 * 256 every 16 ns period; the timecounter accumulates nanoseconds from cycle deltas, and frequency
/// adjustments rewrite the increment.
/// </summary>
public sealed class E1000Ptp
{
    public const int IncPeriod = 1;
    public const uint BaseIncValue = 16u << Shift;
    public const int Shift = 8;

    private readonly E1000Hw hw;
    public ulong CycleLast;
    public long Nsec;
    public uint Mult = 1;
    public uint IncValue = BaseIncValue;
    public long AdjustedPpb;
    public bool RxTimestamping;
    public bool Initialised;

    public E1000Ptp(E1000Hw hw) => this.hw = hw;

    /// <summary>Starts the clock at 0 (e1000e_systim_reset).</summary>
    public void Init()
    {
        hw.Ew32(Reg.TIMINCA, (IncPeriod << 24) | IncValue);
        hw.Ew32(Reg.SYSTIML, 0);
        hw.Ew32(Reg.SYSTIMH, 0);
        CycleLast = 0;
        Nsec = 0;
        Initialised = true;
    }

    /// <summary>Re-programs TIMINCA after a MAC reset cleared it, keeping the time.</summary>
    public void Reset()
    {
        if (!Initialised) return;
        long now = ReadTimeNs();
        hw.Ew32(Reg.TIMINCA, (IncPeriod << 24) | IncValue);
        SetTimeNs(now);
    }

    /// <summary>Reads SYSTIM: low latches high (e1000e_cc_read).</summary>
    public ulong ReadCycles()
    {
        uint low = hw.Er32(Reg.SYSTIML);
        uint high = hw.Er32(Reg.SYSTIMH);
        return ((ulong)high << 32) | low;
    }

    /// <summary>timecounter_read: accumulate the nanoseconds since the last read.</summary>
    public long ReadTimeNs()
    {
        ulong cycles = ReadCycles();
        ulong delta = cycles - CycleLast;
        Nsec += (long)((delta * Mult) >> Shift);
        CycleLast = cycles;
        return Nsec;
    }

    /// <summary>Sets the clock (ptp settime).</summary>
    public void SetTimeNs(long ns)
    {
        Nsec = ns;
        CycleLast = ReadCycles();
    }

    /// <summary>Shifts the clock (ptp adjtime).</summary>
    public void AdjustTimeNs(long delta)
    {
        ReadTimeNs();
        Nsec += delta;
    }

    /// <summary>Changes the frequency by <paramref name="ppb"/> parts per billion (ptp adjfreq).</summary>
    public void AdjustFrequencyPpb(long ppb)
    {
        if (ppb is < -999_999_999 or > 999_999_999) throw new ArgumentOutOfRangeException(nameof(ppb));
        ReadTimeNs();
        long adjustment = (long)BaseIncValue * ppb / 1_000_000_000;
        IncValue = (uint)(BaseIncValue + adjustment);
        AdjustedPpb = ppb;
        hw.Ew32(Reg.TIMINCA, (IncPeriod << 24) | IncValue);
    }
}
