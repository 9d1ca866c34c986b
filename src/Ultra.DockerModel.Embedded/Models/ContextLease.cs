using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using LLama;
using LLama.Native;

namespace Ultra.DockerModel.Embedded.Models
{
    /// <summary>
    /// One call's hold on a model and a context. While held, llama.cpp's abort callback watches the call's
    /// cancellation token, so Ctrl+C stops even a long prompt pass between two graph nodes instead of after it.
    /// </summary>
    internal sealed unsafe class ContextLease : IDisposable
    {
        private readonly ModelCache _cache;
        private readonly bool _spare;
        private GCHandle _self;
        private int _disposed;

        public ContextLease(ModelCache cache, ResidentModel model, LLamaContext context, CancellationToken cancellationToken, bool spare = true)
        {
            _cache = cache;
            _spare = spare;
            Model = model;
            Context = context;
            CancellationToken = cancellationToken;
            _self = GCHandle.Alloc(this);
            NativeApi.llama_set_abort_callback(context.NativeHandle, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, byte>)&ShouldAbort, GCHandle.ToIntPtr(_self));
        }

        public ResidentModel Model { get; }
        public LLamaContext Context { get; }
        public CancellationToken CancellationToken { get; }

        /// <summary>Native work on the context that may outlive the call (a cancelled prompt pass): released after it.</summary>
        public Task? Busy { get; set; }

        // Called by llama.cpp's compute threads during a decode.
        [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
        private static byte ShouldAbort(IntPtr data) =>
            GCHandle.FromIntPtr(data).Target is ContextLease lease && lease.CancellationToken.IsCancellationRequested ? (byte)1 : (byte)0;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (Busy is { IsCompleted: false } busy) busy.ContinueWith(_ => Release(), TaskScheduler.Default);
            else Release();
        }

        private void Release()
        {
            NativeApi.llama_set_abort_callback(Context.NativeHandle, IntPtr.Zero, IntPtr.Zero);
            _self.Free();
            if (_spare) Model.ReturnContext(Context);
            else Model.DropContext(Context);
            _cache.Release(Model);
        }
    }
}
