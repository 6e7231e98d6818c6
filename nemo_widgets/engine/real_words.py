"""English words close to a keyword of the director (one edit for words of up to seven letters,
two for longer ones, same first letter): real words, so the typo corrector leaves them alone
("lower" is not "slower", "write" is not "white", "blank" is not "black").

Generated once from the ``web2`` and ``gcide`` word lists of the english-words package (a
development-time tool, not a dependency): every word of 5-20 letters within the corrector's
distance of a keyword of :data:`nemo_widgets.engine.phrases.KEYWORDS`, less old spellings that
are today's typos ("lenth", "musie", "verticle", "tittle"). Regenerate it when keywords are added.
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


REAL_WORDS = _words(
    """
    acrose agitated animable animatedly animately animater animative animator anisate balow
    beice bellow belowt beslow blacks blacky bland blank bleck bleed blende blendous blenk
    blent blick blind block blond border bordered borderer borderies borderism bottomed
    bottomer bottomry bottomup brack burnt burny byend camara camerade cameral camerata
    camerate camerina cancered cankered canter canterer cantion cantred capetian captation
    captious castiron cation caution cautious ceinture cementer cendre censer censored centare
    centenar centerer centetes centetid centiare centner centrad centrale centrex centrode
    centroid centry centuried chapping chipping chopping cinter clapping cleam clipping clover
    coaction coder coker comer conation coner constrain contadino contagion container
    contakion conter contline contrail cooer coontail cooption copatain coper copping corer
    corver coved covert covet covey cower cramping crass cratered creak creamy creat creem
    creeping cress crimping crippling crisping criss crofting crois croisade crooning crosa
    crosse crossfall crossfile crossing crossmate croustade crows croys darnation deauration
    delate delation delegate deletery deletive deplete depleted depuration dilation disserve
    dissolute dissolved dissolvent dissolver ditation diurnation donation dotation ducatoon
    duplation durational durative effecter effector effet emery enfect evert ewery exhort
    expert exporter extort fabes faded faden fader falter fasher fasten fastener fatter
    feaster fester fides fister flame forst foster framea framed framer frape frase fraze
    frist gleen greed greek greeny greet grein grene horizontally horizontic horizontical
    imager imagines imago impages insea instar landsale lauder lengthen lengther lengthy
    letterbomb linger loader lodger logger longe longear longterm losenger louden lounder
    lounger louter louver lowder lozenger lunger maddle mazement meddle mesic middler minuet
    minutely minuter minutiae moniment monition monument mooing moping moration morion
    motation motional motioner movingly mowing mozing muddle musico older ormer paining
    painting painture paneling panting pease penning phane phene phobos phoney phono phony
    phore phose photon photopsy phyto pictones pictura pictural pictured picturely picturer
    picturize pictury pinning plaining planking planting pleased pleaser pleasure plicature
    poitrail portlast portrayist prancing pranking prease prelease prone proto protract
    puncture quackery quicken quickener quickens quickset quieten quietener quilter quipster
    quitter quiverer rander reader redder reeder refunder rehearse reindeer reisolation relace
    relove remeve reminder remote remotive removed remover renderer renner renter renverse
    repace reperuse replacer replane replate reponder resilition resolutioner resolutive
    resorption resperse resplice retender revender revere reverie reverist revers reversal
    reversed reversely reverser reversi reversis reversive reverso reverted reverter
    revolution rewinder rewove richt righto righty scart scree screed screek screel screeman
    screened screener screeny screet secondar seconder secondly secundus shide shill shooter
    shoother shopster shorer shoreyer short shorten shortener shortish shots shotter shouter
    shower sides skart skill skreen slade slewer slice slided slider slime slipe slipes slive
    sloper smart smooch smoot smoothen smoother smoothly snide snorter sooth sorter sower
    spart spill sporter sports squabbed squame squaredly squarely squarer squark squatted
    squire stadic stall stant stare starf stark starlight starn statical statice statics stell
    stert stile stilly stilt stirt stogy stomatic stony stoory store storey storied storier
    stork storm stormy stoury stower straighten straightly straightup stratic straucht streen
    stroy stuart stull sturt subentitle substile subtile subtilty subtriple sulides swart
    swill systatic thorough though throuch throucht throughly ticktock tiple tithe titled
    titler titre tradition tranation transaction transection transexion transfixion
    transitional transitionist transitive transitman translation trough turlough unbright
    unplight unright unupright uplight upplight uprightly uprights vectigal venatical
    veridical verminal vertically vertices verticil vestrical viatical vireo volumed volute
    vortical vorticel vorticial watchout whale while whine whited whiten whites whits whity
    whone whore whose whute windscreen wiper withouten wives write yallow yellowly yellows
    yellowy zooks zoons
    """
)
