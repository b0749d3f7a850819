/* Camera video (module 33): every <video data-hls="…m3u8"> on any page plays its HLS stream through the
 * locally served hls.js (loaded once, on first need); a stream that cannot play says so in Chinese. */
(function () {
    const HLS_SRC = "/map-data/static/vendor/hls/hls.light.min.js";
    let loading = null;

    window.lvrongLoadScript = function (src) {
        return new Promise(function (resolve, reject) {
            if (document.querySelector('script[data-lvrong="' + src + '"]')) { resolve(); return; }
            const s = document.createElement("script");
            s.src = src;
            s.dataset.lvrong = src;
            s.onload = resolve;
            s.onerror = function () { reject(new Error("无法加载 " + src)); };
            document.head.appendChild(s);
        });
    };

    function fail(video, message) {
        video.dataset.state = "error";
        const note = video.parentElement && video.parentElement.querySelector(".video-note");
        if (note) { note.textContent = message; }
    }

    function attach(video) {
        if (video.dataset.state) { return; }
        video.dataset.state = "loading";
        const src = video.dataset.hls;
        video.muted = true;
        video.addEventListener("playing", function () { video.dataset.state = "playing"; });
        if (video.canPlayType("application/vnd.apple.mpegurl")) {
            video.src = src;
            video.play().catch(function () {});
            return;
        }
        loading = loading || window.lvrongLoadScript(HLS_SRC);
        loading.then(function () {
            if (!window.Hls || !window.Hls.isSupported()) { fail(video, "浏览器不支持 HLS 视频播放"); return; }
            const hls = new window.Hls({enableWorker: false});
            hls.on(window.Hls.Events.ERROR, function (_e, data) {
                if (data.fatal) { fail(video, "视频流不可用"); hls.destroy(); }
            });
            hls.loadSource(src);
            hls.attachMedia(video);
            hls.on(window.Hls.Events.MANIFEST_PARSED, function () { video.play().catch(function () {}); });
        }).catch(function () { fail(video, "视频播放组件加载失败"); });
    }

    function scan(root) {
        (root.querySelectorAll ? root.querySelectorAll("video[data-hls]") : []).forEach(attach);
    }

    new MutationObserver(function (records) {
        records.forEach(function (r) { r.addedNodes.forEach(function (n) { if (n.nodeType === 1) { scan(n.parentElement || n); } }); });
    }).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
})();
