using System.Net;
using System.Net.Sockets;

namespace RegistryKit;

/// <summary>
/// A TCP proxy on a free loopback port in front of a registry, for the faults a real network has: a connection cut
/// after some bytes (<see cref="CutAfter"/>, once), and a slow link (<see cref="BytesPerSecond"/>).
/// Point a model reference at <see cref="Host"/> instead of the registry's.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private long _cutAfter = -1;
    private long _downstream;

    public FaultProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Bytes sent to clients so far.</summary>
    public long Downstream => Interlocked.Read(ref _downstream);

    /// <summary>Connections cut so far.</summary>
    public int Cuts { get; private set; }

    /// <summary>Limits what reaches clients (0: no limit).</summary>
    public long BytesPerSecond { get; set; }

    /// <summary>Cuts the connection that carries the <paramref name="bytes"/>-th byte from now, once.</summary>
    public void CutAfter(long bytes) => Interlocked.Exchange(ref _cutAfter, Downstream + bytes);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client.GetStream(), server.GetStream(), false, both);
            var down = PumpAsync(server.GetStream(), client.GetStream(), true, both);
            await Task.WhenAny(up, down);
            both.Cancel();
        }
        catch (Exception) { /* a cut or a closed side ends the relay */ }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool downstream, CancellationTokenSource both)
    {
        var buffer = new byte[64 * 1024];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0;
        while (true)
        {
            int n = await from.ReadAsync(buffer, both.Token);
            if (n == 0) return;
            if (downstream)
            {
                long cut = Interlocked.Read(ref _cutAfter);
                long before = Interlocked.Add(ref _downstream, n) - n;
                if (cut >= 0 && before + n >= cut && Interlocked.CompareExchange(ref _cutAfter, -1, cut) == cut)
                {
                    int keep = (int)Math.Max(0, cut - before);
                    if (keep > 0) await to.WriteAsync(buffer.AsMemory(0, keep), both.Token);
                    Cuts++;
                    to.Socket.LingerState = new LingerOption(true, 0); // an RST, as a dropped link looks
                    to.Close();
                    return;
                }
                if (BytesPerSecond > 0)
                {
                    sent += n;
                    var due = TimeSpan.FromSeconds((double)sent / BytesPerSecond) - clock.Elapsed;
                    if (due > TimeSpan.Zero) await Task.Delay(due, both.Token);
                }
            }
            await to.WriteAsync(buffer.AsMemory(0, n), both.Token);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
