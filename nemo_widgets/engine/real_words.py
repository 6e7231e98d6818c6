"""English words one edit away from a keyword of the director (two for words of nine letters
or more): real words, so the typo corrector leaves them alone ("lower" is not "slower", "write"
is not "white", "flower" is not "slower").

Generated once from the ``web2`` and ``gcide`` word lists of the english-words package (a
development-time tool, not a dependency): every word of 5-20 letters within the corrector's
distance of a keyword of :data:`nemo_widgets.engine.phrases.KEYWORDS`, less a few old spellings
that are today's typos ("lenth", "musie", "stright"). Regenerate it when keywords are added.
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


REAL_WORDS = _words(
    """
    absolution acream acrose adjuration adoration adulation adunation affect alack alength
    amotion animatedly animately animater animative anisate aright asquare astart astatic
    aster athrough aureation avery balow banning baster beice bellow belowt bender bepicture
    beslow beverse bight blacks blacky bland blank bleck bleed blende blenk blent blick blind
    block blond blower booming border borderies borderism brack brame bream brender bright
    burnt burny butterbox byend camara cameral canning canter cantion cantred captation
    captious caster cation caution cendre censer centare centerer centner centrad centrex
    centry centuried chopping chorizontal cinter clack cleam clover coanimate coder coker
    comer coner conger constrain contadino contagion container contakion conter cooer coper
    copping corder corer corver costraight coved covert covertical covet covey coving cower
    crass creak creamy creat creem creen cress crippling criss crois crosa crosse crossfall
    crossfile crossmate croustade crows croys curation curtation curvation darnation
    deauration delate denter depicture deplete depuration desolation devolution dhole diddle
    dight dissolute dissolved dissolvent dissolver diurnation dooms dover dream dropping
    droppings dross duplation durational easter education effet eight elide emery emotion
    emove empicture ender enfect enter epuration everse evert evolution ewery exanimate exhort
    exolution expert exsolution extort fabes faded faden fader falter fanning fasher fasten
    fatter feaster fellow fender fenter fester fevery fiddle fides fight fireplace fister
    flack flame flower foreplace forst foster framea framed framer frape frase fraze fream
    fright frist furcation gaster gender ghole glack gleen glide glower grame greed greek
    greeny greet grein grene gross hades handscrape haster henter heretical hight horizontally
    horizontic horizontical hover imager imago impages impicture inanimate inanimated
    induration insea instar irresolution japanning juration keels kiddle laster lauder lease
    lender lends lengthy letterbomb light linger loader lodger logger longe longear looming
    lotion louden lounder lounger louter louver lover loving lowder lower lucration lunger
    lurcation maddle manning master meddle mellow mender mesic middler might minuet minuter
    mockground monger mooing mooth moping morion mover mowing mozing muddle musico neuration
    niddle night notion obduration older olease ormer paining panting paster pease penning
    phane phene phobos phoney phono phony phore phose photon phyto pictura pictured picturely
    picturer picturize pictury piddle pight pinning plack pleased pleaser plicature plower
    portrayist potion prame prease preen premove prender preplace presolution prone pross
    proto purgation quicken quickener quieten quietener quilter quitter rander raster reader
    reanimate rebeginning recaption redder redissolve reeder reisolation relace relove remeve
    remote removed removement remover renner renter renverse repace repicture replacer replane
    replate resilition resolutioner resolutive resorption revere reverie revers reversed
    reversely reverser reversi reversive reverso revery revolution rewove richt ricture riddle
    righto righty rover roving scart scenter sceptered scrapping scream scree screed screek
    screel screeny screet sender severy shide shill shole shone shooter shorer short shorten
    shortener shots shotter shouter shower sides sight skart skill skreen slack slade slewer
    slice slided slider slime slipe slipes slive sloper smart smooch smoot snide snorter
    solvement sooth sorter sower spart spill sporter sports spright squame squaredly squarer
    squark squire stadic stall stant stare starf stark starlight starn statice statics stell
    stert stile stilly stilt stirt stogy stony stoory store storey storied storier stork storm
    stormy stoury stower straighten straightly straightup stratic streen stroy stuart stull
    sturt subentitle subtile subtriple sulides surdation swart swill swipes tanning taster
    tender tenter teratical thole thone thorough thorter though throuch throughly tiddle tight
    tiple tithe titled titler titre tittle tradition trame tranation transaction transection
    transexion transfixion transitional transitionist transitive transitman translation treen
    trender trough tsquare turns unanimate unanimated unbeginning uncentered uncentred
    unentered unhorizontal unright unsquared unstraight unupright unvertical uplight uprightly
    uprights upstraight vanning veery venatical vender venter veridical vertically verticil
    vestrical vireo volumed volute vortical vorticial waster whale while whine whited whiten
    whites whits whity whone whore whose whute widdle wight windscreen wiper withouten wives
    worder wright write yallow yellows yellowy yender zooks zoons
    """
)
