#nullable enable // also when Pester compiles this file with Add-Type
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>
/// A tiny OpenAI-compatible server on loopback for what the stand-in does not show: the request headers (the API key),
/// arbitrary Retry-After values and malformed SSE lines. Each request gets the answer of <see cref="Respond"/>.
/// </summary>
public sealed class LoopbackOpenAIServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackOpenAIServer()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    /// <summary>The headers of every request, oldest first.</summary>
    public ConcurrentQueue<System.Collections.Specialized.NameValueCollection> Requests { get; } = new();

    /// <summary>The path and body of every request, oldest first.</summary>
    public ConcurrentQueue<(string Path, string Body)> Bodies { get; } = new();

    /// <summary>Writes the answer to one request; the default is a short SSE answer.</summary>
    public Func<HttpListenerResponse, Task> Respond { get; set; } = r => Sse(r, "data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}", "data: [DONE]");

    /// <summary>When set, answers from the request's path and body instead of <see cref="Respond"/>.</summary>
    public Func<string, string, HttpListenerResponse, Task>? RespondTo { get; set; }

    public static async Task Sse(HttpListenerResponse response, params string[] events)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.SendChunked = true;
        foreach (var e in events)
        {
            var bytes = Encoding.UTF8.GetBytes(e + "\n\n");
            await response.OutputStream.WriteAsync(bytes);
            await response.OutputStream.FlushAsync();
        }
        response.Close();
    }

    /// <summary>An answer of one JSON body (a non-streaming chat completion, an embeddings list).</summary>
    public static Task Json(HttpListenerResponse response, string body) => Error(response, 200, body);

    public static Task Error(HttpListenerResponse response, int status, string body, params (string Name, string Value)[] headers)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        foreach (var (n, v) in headers) response.Headers[n] = v;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.OutputStream.Write(bytes);
        response.Close();
        return Task.CompletedTask;
    }

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            Requests.Enqueue(new System.Collections.Specialized.NameValueCollection(context.Request.Headers));
            string path = context.Request.Url?.AbsolutePath ?? "", body;
            using (var reader = new System.IO.StreamReader(context.Request.InputStream))
                body = await reader.ReadToEndAsync();
            Bodies.Enqueue((path, body));
            try { await (RespondTo is { } respondTo ? respondTo(path, body, context.Response) : Respond(context.Response)); }
            catch (Exception) { try { context.Response.Abort(); } catch (Exception) { } }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
