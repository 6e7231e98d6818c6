"""The engine's vocabulary, defined once: every transition, motion, text position, frame shape,
platform, resolution, fit and colour it knows, with its English and Chinese words.

Each :class:`Entry` holds a schema value (``key``), the names replies use (``en``, ``zh``) and
the words people say for it (``words`` in English, ``zh_words`` in Chinese; matched whole,
longest first, English ones with typo tolerance). The director's parser and replies, the draft
validation (:mod:`.draft`) and the renderer (:mod:`.compose`, which registers one drawing
function per transition and motion key) all read these tables, so a new transition is one entry
here plus its drawing code; a test checks the renderer draws exactly the keys listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    key: str
    en: str  # as said in an English reply
    zh: str  # as said in a Chinese reply
    words: tuple[str, ...] = ()
    zh_words: tuple[str, ...] = ()


def _table(*entries: Entry) -> dict[str, Entry]:
    return {entry.key: entry for entry in entries}


# --------------------------------------------------------------------------- transitions

TRANSITIONS = _table(
    Entry(
        "crossfade",
        "crossfades",
        "交叉淡化",
        (
            "crossfade",
            "crossfades",
            "cross-fade",
            "cross fade",
            "cross fades",
            "dissolve",
            "dissolves",
            "smooth",
            "fade",
            "fades",
            "blend",
            "blends",
        ),
        ("淡入淡出", "交叉淡化", "叠化", "溶解", "渐变", "平滑", "柔和", "淡化", "渐隐渐显"),
    ),
    Entry(
        "fade_black",
        "fades through black",
        "闪黑",
        (
            "fade to black",
            "fade through black",
            "fades to black",
            "fades through black",
            "dip to black",
            "through black",
            "black fade",
            "black fades",
        ),
        ("闪黑", "黑场", "黑场过渡", "渐黑", "淡入黑场"),
    ),
    Entry(
        "wipe_left",
        "wipes",
        "擦除",
        ("wipe", "wipes", "wipe left", "left wipe", "left wipes"),
        ("擦除", "擦除转场", "向左擦除", "划像"),
    ),
    Entry(
        "wipe_right",
        "wipes to the right",
        "向右擦除",
        (
            "wipe right",
            "right wipe",
            "right wipes",
            "wipes to the right",
            "wipe to the right",
            "wipes right",
        ),
        ("向右擦除", "右擦除"),
    ),
    Entry(
        "slide_left",
        "slides",
        "滑动",
        ("slide", "slides", "slide left", "left slide", "left slides"),
        ("滑动", "推移", "向左滑动", "左滑", "推入"),
    ),
    Entry(
        "slide_right",
        "slides to the right",
        "向右滑动",
        (
            "slide right",
            "right slide",
            "right slides",
            "slides to the right",
            "slide to the right",
            "slides right",
        ),
        ("向右滑动", "右滑"),
    ),
    Entry(
        "zoom",
        "zoom transitions",
        "缩放转场",
        ("zoom", "zoom transition", "zooms"),
        ("缩放", "缩放转场", "变焦转场"),
    ),
    Entry(
        "none",
        "hard cuts",
        "硬切",
        ("hard cut", "hard cuts", "cuts", "straight cuts", "jump cuts"),
        ("硬切", "直切", "无转场", "直接切换"),
    ),
)

# --------------------------------------------------------------------------- motion

# What the renderer draws on one photo (the draft's ``motion``).
MOTIONS = _table(
    Entry(
        "static",
        "static photos",
        "静止画面",
        ("static", "still", "no motion", "no movement"),
        ("静态", "静止", "不要动", "不动"),
    ),
    Entry(
        "zoom_in",
        "a slow zoom in",
        "缓慢推近",
        (
            "zoom in",
            "zoom-in",
            "zooming in",
            "slow zoom",
            "push in",
            "zoom effect",
            "zoom effects",
            "zooming",
        ),
        ("推近", "放大", "拉近", "慢慢放大", "缩放效果"),
    ),
    Entry(
        "zoom_out",
        "a slow zoom out",
        "缓慢拉远",
        ("zoom out", "zoom-out", "zooming out", "pull out", "pull back"),
        ("拉远", "缩小", "慢慢缩小"),
    ),
    Entry(
        "pan_left",
        "a pan to the left",
        "向左平移",
        ("pan left", "panning left", "pan from right to left", "right to left"),
        ("向左平移", "左移", "向左摇"),
    ),
    Entry(
        "pan_right",
        "a pan to the right",
        "向右平移",
        ("pan right", "panning right", "pan from left to right", "left to right"),
        ("向右平移", "右移", "向右摇"),
    ),
)
# Styles that give the photos different moves in turn, so consecutive photos never move alike.
MOTION_STYLES = _table(
    Entry(
        "ken_burns",
        "Ken Burns zooms and pans",
        "Ken Burns 缩放平移",
        (
            "ken burns",
            "kenburns",
            "ken-burns",
            "camera motion",
            "camera movement",
            "motion",
            "movement",
            "moving photos",
            "some motion",
            "animate",
            "animated",
        ),
        ("动感", "动态", "运镜", "镜头运动", "动起来", "推拉", "推拉效果", "推拉镜头"),
    ),
    Entry(
        "pan",
        "alternating pans",
        "左右交替平移",
        ("pan", "pans", "panning", "slow pan", "slow pans", "pan across"),
        ("平移", "摇镜", "摇镜头", "横移"),
    ),
)
STYLE_CYCLES = {
    "ken_burns": ("zoom_in", "pan_right", "zoom_out", "pan_left"),
    "pan": ("pan_right", "pan_left"),
}

# --------------------------------------------------------------------------- text positions

POSITIONS = _table(
    Entry(
        "top",
        "at the top",
        "顶部",
        ("at the top", "on top", "top", "up top"),
        ("顶部", "顶端", "上方", "上面", "上边", "最上面"),
    ),
    Entry(
        "center",
        "in the centre",
        "居中",
        (
            "in the centre",
            "in the center",
            "in the middle",
            "centre",
            "center",
            "middle",
            "centered",
            "centred",
        ),
        ("中间", "居中", "正中", "中央", "正中间"),
    ),
    Entry(
        "bottom",
        "at the bottom",
        "底部",
        ("at the bottom", "bottom", "down below"),
        ("底部", "下方", "下面", "下边", "最下面"),
    ),
)

# --------------------------------------------------------------------------- frame

ASPECTS = _table(
    Entry(
        "16:9",
        "16:9",
        "16:9",
        ("landscape", "horizontal", "widescreen", "wide screen"),
        ("横屏", "横版", "宽屏", "横向"),
    ),
    Entry(
        "9:16",
        "9:16",
        "9:16",
        ("vertical", "portrait", "upright", "phone screen"),
        ("竖屏", "竖版", "竖向", "竖的", "手机屏幕"),
    ),
    Entry("1:1", "1:1", "1:1", ("square", "squared"), ("正方形", "方形", "方屏", "方的")),
    Entry("4:5", "4:5", "4:5", (), ()),
)


@dataclass(frozen=True)
class Platform:
    name: str  # as said in replies
    aspect: str  # its usual shape; an explicit shape in the same message wins
    words: tuple[str, ...]


PLATFORMS = (
    Platform("YouTube Shorts", "9:16", ("youtube shorts", "yt shorts")),
    Platform("Instagram Reels", "9:16", ("instagram reels", "insta reels", "ig reels")),
    Platform("Instagram Stories", "9:16", ("instagram story", "instagram stories", "ig story")),
    Platform("TikTok", "9:16", ("tiktok", "tik tok")),
    Platform("Reels", "9:16", ("reels", "reel")),
    Platform("Shorts", "9:16", ("shorts",)),
    Platform("Stories", "9:16", ("stories", "story")),
    Platform("Instagram", "4:5", ("instagram", "insta", "ig")),
    Platform("YouTube", "16:9", ("youtube", "yt")),
    Platform("抖音", "9:16", ("抖音",)),
    Platform("快手", "9:16", ("快手",)),
    Platform("视频号", "9:16", ("视频号",)),
    Platform("小红书", "4:5", ("小红书",)),
    Platform("B站", "16:9", ("b站", "哔哩哔哩", "bilibili")),
)

# Shorter side in pixels -> words; sizes over 1080 are capped (the cloud's limit).
RESOLUTIONS = _table(
    Entry("720", "720p", "720p", ("720p", "hd"), ("高清",)),
    Entry("1080", "1080p", "1080p", ("1080p", "full hd", "fhd"), ("全高清", "超清")),
    Entry("2160", "4K", "4K", ("4k", "uhd", "2160p"), ("超高清", "4k")),
    Entry("1440", "1440p", "1440p", ("1440p", "2k", "qhd"), ("2k",)),
)

# How a photo whose shape is not the frame's is framed (the draft's ``fit``; the rule of "auto"
# is ``draft.framing``). Replies say the names; the background colour of "contain" is named
# with COLOURS, never as a code.
FITS = _table(
    Entry(
        "auto",
        "filling the frame when the shapes are close, else whole on a blurred copy",
        "形状相近时铺满画面，否则完整显示在模糊的照片背景上",
        ("auto fit", "automatic fit", "smart fit", "auto framing", "automatic framing"),
        ("自动适配", "智能适配", "自动填充"),
    ),
    Entry(
        "contain",
        "whole, with bars",
        "完整显示，留边",
        (
            "contain",
            "letterbox",
            "letterboxed",
            "show the whole photo",
            "show the whole photos",
            "whole photo",
            "whole photos",
            "don't crop",
            "dont crop",
            "no crop",
            "no cropping",
            "without cropping",
            "keep the bars",
            "black bars",
            "with bars",
        ),
        ("完整显示", "不要裁剪", "不裁剪", "留黑边", "别裁剪", "保留黑边", "加黑边"),
    ),
    Entry(
        "cover",
        "filling the frame (cropped where needed)",
        "铺满画面（必要时裁剪）",
        (
            "cover",
            "fill the frame",
            "fill the screen",
            "full screen",
            "fullscreen",
            "full-screen",
            "no black bars",
            "no bars",
            "without black bars",
            "without bars",
            "without the black bars",
            "no borders",
            "crop to fill",
            "edge to edge",
        ),
        (
            "填满",
            "铺满",
            "铺满屏幕",
            "填满画面",
            "裁剪填充",
            "去掉黑边",
            "不要黑边",
            "没有黑边",
            "全屏",
            "去黑边",
        ),
    ),
    Entry(
        "blur",
        "whole, on a blurred copy of the photo",
        "完整显示，背景是模糊的照片",
        (
            "blur the background",
            "blurred background",
            "blurry background",
            "background blur",
            "blurred backdrop",
            "blur behind",
            "blur the bars",
            "blurred bars",
            "blurred edges",
        ),
        ("背景模糊", "模糊背景", "背景虚化", "虚化背景", "模糊边", "模糊的背景"),
    ),
)

COLOURS = _table(
    Entry("#000000", "black", "黑色", ("black",), ("黑色", "黑")),
    Entry("#ffffff", "white", "白色", ("white",), ("白色", "白")),
    Entry("#808080", "grey", "灰色", ("grey", "gray"), ("灰色", "灰")),
    Entry("#1e3a8a", "navy", "藏青色", ("navy", "navy blue", "dark blue"), ("藏青色", "深蓝色")),
    Entry("#2563eb", "blue", "蓝色", ("blue",), ("蓝色",)),
    Entry("#dc2626", "red", "红色", ("red",), ("红色",)),
    Entry("#16a34a", "green", "绿色", ("green",), ("绿色",)),
    Entry("#facc15", "yellow", "黄色", ("yellow",), ("黄色",)),
    Entry("#f9a8d4", "pink", "粉色", ("pink",), ("粉色", "粉红色")),
    Entry("#f5f0e6", "cream", "米色", ("cream", "beige", "off-white"), ("米色", "米白色")),
)

# --------------------------------------------------------------------------- photo subjects

# Common photo subjects: an English word (as found in file names) and the Chinese words people
# use for it, so "删掉海边那张" finds beach.jpg.
SUBJECTS = {
    "beach": ("海边", "海滩", "沙滩"),
    "sea": ("海", "大海", "海边"),
    "ocean": ("海洋", "大海"),
    "sunset": ("日落", "夕阳", "黄昏"),
    "sunrise": ("日出", "朝阳"),
    "mountain": ("山", "大山", "山峰", "爬山"),
    "lake": ("湖", "湖边"),
    "river": ("河", "河边"),
    "forest": ("森林", "树林"),
    "tree": ("树",),
    "flower": ("花", "花朵"),
    "city": ("城市",),
    "street": ("街道", "街头"),
    "night": ("夜景", "晚上", "夜晚"),
    "snow": ("雪", "雪景"),
    "dog": ("狗", "小狗"),
    "cat": ("猫", "小猫"),
    "baby": ("宝宝", "婴儿"),
    "family": ("全家", "家人", "全家福"),
    "wedding": ("婚礼",),
    "birthday": ("生日",),
    "cake": ("蛋糕",),
    "food": ("美食", "食物"),
    "dinner": ("晚餐", "晚饭"),
    "party": ("派对", "聚会"),
    "selfie": ("自拍",),
    "group": ("合照", "合影"),
    "car": ("车", "汽车"),
    "house": ("房子",),
    "garden": ("花园",),
    "park": ("公园",),
    "bridge": ("桥",),
    "tower": ("塔",),
    "temple": ("寺庙",),
    "product": ("产品",),
    "shoe": ("鞋", "鞋子"),
    "bag": ("包",),
    "kids": ("孩子", "小孩"),
    "school": ("学校",),
    "graduation": ("毕业",),
    "sky": ("天空",),
}


def names(table: dict[str, Entry], key: str, zh: bool) -> str:
    """How a reply says a table's value, in the message's language."""
    entry = table[key]
    return entry.zh if zh else entry.en


def colour_name(code: str, zh: bool) -> str:
    """A ``#rrggbb`` colour in words: its catalogue name, or "close to" the nearest one."""
    code = code.lower()
    if code in COLOURS:
        return names(COLOURS, code, zh)
    try:
        rgb = [int(code[i : i + 2], 16) for i in (1, 3, 5)]
    except ValueError:
        return "自定义颜色" if zh else "a custom colour"

    def distance(key: str) -> int:
        return sum((int(key[i : i + 2], 16) - c) ** 2 for i, c in zip((1, 3, 5), rgb, strict=True))

    nearest = names(COLOURS, min(COLOURS, key=distance), zh)
    return f"接近{nearest}的颜色" if zh else f"a colour close to {nearest}"


def english_words(*tables: dict[str, Entry]) -> dict[str, str]:
    """Every English word of the tables -> its key (for matching)."""
    return {word: entry.key for table in tables for entry in table.values() for word in entry.words}


def chinese_words(*tables: dict[str, Entry]) -> dict[str, str]:
    """Every Chinese word of the tables -> its key (for matching)."""
    return {
        word: entry.key for table in tables for entry in table.values() for word in entry.zh_words
    }
