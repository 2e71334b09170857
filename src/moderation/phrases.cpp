// The lexicon's phrase patterns and guards (see phrases.h; the macros they use are in
// words.cpp). Words are written as moderation_tokens() makes them: lowercase,
// apostrophes dropped ("youre"), hyphens split ("self harm"). Scores follow phrases.h.
// Moderation needs the words it moderates: this file quotes slurs and obscenities on purpose.
#include "moderation/phrases.h"

namespace own::modlex {

namespace {

// ModCategory indices, short for the tables
constexpr int8_t H = 0, HT = 1, HA = 2, HAT = 3, I = 4, IV = 5, S = 6, SI = 7, SN = 8, X = 9, XM = 10, V = 11,
                 VG = 12;

#define P1(pat, c0, v0) {pat, {c0, v0}}
#define P2(pat, c0, v0, c1, v1) {pat, {c0, v0}, {c1, v1}}
#define P3(pat, c0, v0, c1, v1, c2, v2) {pat, {c0, v0}, {c1, v1}, {c2, v2}}
#define GUARD(pat) {pat, {kGuard, 1}}
#define GUARD_VIOLENCE(pat) {pat, {kGuardViolence, 1}}
#define GUARD_HARASSMENT(pat) {pat, {kGuardHarassment, 1}}
#define BENIGN(pat) {pat, {kBenign, 0}}

const Phrase kPhrases[] = {
    // ===== harassment: insults aimed at someone =====
    P1("@youre @intens|- @intens|- @insult_a", H, .85f),
    P1("@youre @intens|- @intens|- @insult_n", H, .85f),
    P1("@youre @intens|- @intens|- @npm_insult", H, .85f),
    P1("@you @insult_bare|- @insult_bare|- @insult_n", H, .85f),
    P1("@you @insult_bare|- @insult_bare|- @npm_insult", H, .85f),
    P1("(are you|r you|are u|r u) @intens|- @intens|- @insult_a|@insult_n|@npm_insult", H, .75f),
    P1("@person_h (is|was|are|is a|is an|is such a|is such an|is nothing but|is a fucking|is a stupid|is a total|"
       "is a complete|is an absolute|are such|are a bunch of|was a|was such a|are all) @insult_n|@npm_insult",
       H, .75f),
    P1("call|calling|called|name|naming @person a|an|- @intens|- @insult_n|@npm_insult", H, .75f),
    P1("(shut up|shut your mouth|shut your face|shut your trap|shut it)", H, .45f),
    P1("(stfu|shut the fuck up|shut the hell up|shut yo ass up)", H, .8f),
    P1("(fuck you|fuck u|fuck off|fuck yourself|go fuck yourself|screw you|eat shit|piss off|suck my dick|"
       "suck my cock|kiss my ass|eff you|f you|f u|fuck ya|fuck yall|fuck all of you|up yours|eat a dick|sod off|"
       "bugger off|get fucked|go to hell|go die in a hole|rot in hell)", H, .85f),
    P1("(drop dead|get lost|bite me|buzz off|get a life)", H, .45f),
    P1("(nobody|no one|noone) (likes|loves|wants|cares about|will ever love|will ever like|would ever love|"
       "could ever love|will ever want) @you", H, .8f),
    P1("(everyone|everybody|we all|all of us|the whole school|the whole class) (hates|hate|despises|laughs at|"
       "is laughing at) @you", H, .8f),
    P1("@you (dont deserve to live|do not deserve to live|deserve to die|should die|should just die|"
       "should have died|should never have been born|need to die|deserve to suffer|are better off dead|"
       "should disappear|should be ashamed of yourself|make me sick|disgust me|are a waste of)", H, .85f),
    P2("i hope @you (die|get raped|get cancer|burn|rot|suffer|get hit by|choke|drown|get what you deserve|"
       "never wake up|die alone|die in a)", H, .85f, HT, .6f),
    P2("(kill yourself|kys|go die|neck yourself|drink bleach|go hang yourself|hang yourself|slit your wrists|"
       "end yourself|unalive yourself|go kill yourself)", H, .85f, HT, .75f),
    P1("@how (humiliate|bully|harass|torment|troll|cyberbully|intimidate|belittle|gaslight|stalk|dox|doxx|"
       "ruin the life of|make fun of|mock|shame|embarrass|get revenge on|destroy the reputation of|"
       "spread rumors about) @person", H, .8f),
    P1("@how (ruin|destroy) @person_poss (life|reputation|career|marriage)", H, .8f),
    P1("@how make @person (cry|miserable|suffer|feel worthless|feel stupid|want to die|hate themselves)", H, .8f),
    P1("humiliate|bully|harass|torment|cyberbully|intimidate|stalk|dox|doxx|belittle|harassing|bullying|stalking "
       "@person", H, .7f),
    P1("(@describe|send|come up with|make|draft|generate|compose|think of|help me write|help me make) @det|- "
       "mean|nasty|cruel|hateful|insulting|abusive|harassing|humiliating|degrading|demeaning|vicious|hurtful "
       "(message|messages|comment|comments|text|texts|note|letter|post|posts|tweet|tweets|email|nickname|"
       "nicknames|things to say|names|rumor|rumors|meme|memes|insult|insults)", H, .75f),
    P1("make (@person|@person_poss life|@person_poss lives) (a living hell|miserable|hell)", H, .65f),
    P1("@youre (a waste of oxygen|a waste of space|a waste of air|a nobody|a mistake|an accident|unwanted|unloved|"
       "not wanted here|a burden to everyone|nothing but trash|nothing but a)", H, .85f),
    // ===== harassment/threatening (threats; also violence) =====
    P3("@will_i @kill|@hurt @you_all", HT, .9f, H, .8f, V, .8f),
    P3("@will_i (find|hunt|track|come for|come after|get|catch) @you and|then|- @kill|@hurt", HT, .9f, H, .8f, V, .8f),
    P3("@will_i make @you (suffer|bleed|scream|beg|disappear|wish you were dead|wish you were never born|"
       "pay for this|pay for what you did|pay for that)", HT, .85f, H, .8f, V, .6f),
    P2("i know where (you live|your kids go to school|your family lives|you work|you sleep)", HT, .8f, H, .7f),
    P2("(watch your back|sleep with one eye open|your days are numbered|you wont see it coming|"
       "you will not see it coming|you better run|better watch yourself|you have been warned|youve been warned|"
       "this is your last warning)", HT, .55f, H, .5f),
    P2("@youre (dead|a dead man|dead meat|gonna die|going to die|so dead)", HT, .7f, H, .6f),
    P3("(@you|your @human) (will|are going to|gonna|shall|is going to|are gonna) (die|get hurt|suffer|bleed|"
       "regret this|pay for this)", HT, .75f, H, .7f, V, .5f),
    P3("(someone|somebody) (should|needs to|ought to) @kill|@hurt @you_all", HT, .8f, H, .75f, V, .75f),
    P3("(@describe|send|draft|compose|help me write|help me send) @det|- *|- (threat|threats|threatening|"
       "death threat|death threats|threatening message|threatening letter|threatening note|threatening text|"
       "threatening email|threatening voicemail)", HT, .8f, H, .7f, V, .5f),
    P3("threaten|threatening|threatened|intimidate (@person|to kill|to hurt|to murder|to harm|to stab|to shoot|"
       "with violence|with a gun|with a knife|with death)", HT, .7f, H, .65f, V, .55f),
    P3("@will_i (show up|come|be waiting) at|to your (house|home|work|school|job|place|door) with @weapon",
       HT, .85f, H, .7f, V, .7f),
    P3("@will_i (put a bullet in your|put you in the ground|put you in the hospital|put you in a body bag|"
       "bury you|end you|end your life|slit your throat|cut your throat|cut your throat open)", HT, .85f, H, .8f,
       V, .8f),
    P3("@will_i break|smash|snap|crack|bash|slit your @body_part|throat|wrists", HT, .85f, H, .8f, V, .8f),
    // ===== violence =====
    P1("@kill_any @person", V, .8f),
    P1("execute|executed|executing @det @human", V, .8f),
    P1("(run|ran) over @person with @det|- (car|truck|van|bus|suv|tractor)", V, .85f),
    P1("@intend @kill|@hurt @person", V, .85f),
    P1("@intend_ing @kill_ing @person", V, .8f),
    P1("@hurt @person", V, .45f),
    P1("beat|beating|beaten|beats @person (to death|senseless|unconscious|half to death|to a pulp|black and blue|"
       "until they bleed|until he bleeds|until she bleeds|bloody|into a coma|within an inch of)", V, .85f),
    P1("punch|kick|slap|hit|smack|stab|shoot|bash|stomp|slash|knife|headbutt|elbow @person in|on "
       "the|his|her|their|your|my @body_part", V, .8f),
    P1("@person (deserves to be|deserve to be|deserves to get|deserve to get|needs to be|need to be|should be|"
       "should get|ought to be|must be|has to be|have to be|should all be|deserve|deserves|needs|need) (killed|shot|"
       "stabbed|beaten|tortured|hanged|hung|murdered|raped|hurt|lynched|beaten up|put down|burned|burned alive|"
       "strangled|beheaded|choked|slaughtered|a bullet|a beating|to die|to suffer)", V, .8f),
    P1("(@kill|@kill_ing|torture|torturing|tortured|abuse|abusing|abused|kick|kicking|drown|drowning|set fire to) "
       "@det|- *|- cat|cats|dog|dogs|puppy|puppies|kitten|kittens|pet|pets|animal|animals|horse|horses|hamster|"
       "rabbit|bird|birds", V, .7f),
    P1("(mass shooting|school shooting|shooting spree|killing spree|stabbing spree|massacre|genocide|"
       "terrorist attack|suicide bomber|suicide bombing|car bomb|lynching|torture|ethnic cleansing|bloodshed|murder|"
       "homicide|assassination|war crime|war crimes|drive by shooting|knife attack|acid attack)", V, .4f),
    P2("(shoot up|bomb|blow up|attack|firebomb|storm|set fire to|torch|burn down|open fire on|open fire at|"
       "drive a truck into|drive into) @target_place", V, .8f, IV, .45f),
    P2("(rape|raped|raping|rapes|sexually assault|sexually assaulted|molest|molested) @person", V, .85f, X, .6f),
    P1("(rape|raped|raping|rapist|rapists|sexual assault)", V, .45f),
    P1("@intend (start|pick|get into) (a fight|fights) with @person", V, .5f),
    P2("@how (beat up|jump|ambush|mug|attack|assault|hurt|harm|punch|stab|shoot|fight|poison|strangle) @person",
       V, .8f, IV, .6f),
    P1("(curb stomp|curbstomp|pistol whip|pistol whipped)", V, .8f),
    P1("@describe @det|- *|- (mass shooting|school shooting|shooting spree|stabbing|murder|killing|massacre|bombing|"
       "terrorist attack|execution|torture session|beating|lynching|rape|rape scene|murder scene|killing spree)",
       V, .6f),
    P1("(from|through) (the shooters|the killers|the murderers|the attackers|the perpetrators|the rapists|"
       "the terrorists|a killers|a shooters) (point of view|perspective|eyes)", V, .7f),
    P1("(to|and|then) (kill|murder|shoot|stab|poison|strangle|torture|behead) @person", V, .75f),
    P1("(to|and|then) (hurt|harm|attack|beat up) (someone|somebody|people|him|her|them|@det @human)", V, .55f),
    P1("bring @det|- (gun|knife|weapon|rifle|guns|weapons|pistol) to (school|class|work|the office|church|"
       "the party|the mall)", V, .7f),
    P1("@person (must die|has to die|should die|needs to die|deserves death|should be killed|should be shot)",
       V, .75f),
    // ===== violence/graphic =====
    P2("@gore_strong", VG, .7f, V, .65f),
    P2("@gore_weak", VG, .35f, V, .35f),
    P2("@describe @det|- *|- *|- *|- in gory|gruesome|grisly|bloody|brutal|sickening|horrific|visceral "
       "detail|details", VG, .75f, V, .7f),
    P2("@gore_adj (detail|details|description|descriptions|depiction|scene|scenes|account|imagery|close up|"
       "close ups|photos|pictures|images|video|videos|footage)", VG, .6f, V, .55f),
    P2("@describe @det|- @gore_adj|@gore_weak *|- (death|murder|killing|execution|beheading|torture|dismemberment|"
       "autopsy|crash|accident|injury|injuries|wound|wounds|corpse|body|bodies|scene|massacre)", VG, .8f, V, .75f),
    P2("(as much blood|more blood|extra blood|extra bloody|extra gory|more gore|as gory as|as graphic as possible|"
       "as bloody as possible|as gruesome as possible|maximum gore)", VG, .8f, V, .7f),
    // ===== hate =====
    P1("@group (are|r|is|were|aint|remain|are all|are just|are nothing but|are basically|are literally|are such|"
       "are so|are the|are a bunch of|are all just) @hate_pred", HA, .85f),
    P1("fucking|filthy|dirty|stupid|damn|bloody|stinking @group", HA, .6f),
    P1("(i hate|i despise|i loathe|i cant stand|i detest|i fucking hate|i really hate|hate all|hate all the|"
       "hate the|i hate all|i hate the) @group", HA, .85f),
    P1("@group (dont|do not|shouldnt|should not|cant|can not|never|must not|mustnt) @hate_deny", HA, .8f),
    P1("@racist_adj @hate_content", HA, .45f),
    P1("(@describe|make|give me|come up with|generate|share|teach me|know any|know a|tell) @det|- "
       "@racist_adj|offensive|derogatory|degrading|dehumanizing|demeaning|racial @hate_content", HA, .85f),
    P1("(jokes about|joke about|memes about|meme about|insults about|insults for|slurs for|names for|insult for|"
       "slur for|stereotypes about|rant about|making fun of|make fun of|mocking|mock|demean|demeaning|dehumanize|"
       "dehumanizing|degrade|degrading|ridicule|ridiculing) @group", HA, .55f),
    P1("(white power|white pride worldwide|heil hitler|sieg heil|1488|race war|white genocide|great replacement|"
       "jewish conspiracy|zionist occupied|zog|master race|inferior race|inferior races|mud people|mud races|"
       "untermensch|holocaust never happened|holocaust is a lie|holocaust was fake|holohoax|hitler was right|"
       "hitler did nothing wrong|six million wasnt enough|blood and soil|white is right|jews control|jews run the|"
       "the jews control|the jews run|kill the jews|globalist jews|go back to your country|"
       "go back to where you came from|go back to africa|go back to mexico|segregation now|ni**er)", HA, .8f),
    P1("(ethnic cleansing|final solution|racial purity|race mixing|racial hygiene|eugenics)", HA, .45f),
    P3("only good @group_s (is a dead|is a dead one)", HAT, .9f, HA, .85f, V, .7f),
    P3("only good @group are (dead|dead ones|the dead ones)", HAT, .9f, HA, .85f, V, .7f),
    P3("(@kill|gas|hang|lynch|burn|wipe out|get rid of|purge|cleanse|eradicate|round up|hunt down|exterminate all|"
       "shoot all) all|every|the|- @group", HAT, .85f, HA, .85f, V, .75f),
    P3("@group @hate_modal @hate_fate", HAT, .9f, HA, .85f, V, .75f),
    P2("@group (should|must|need to|deserve to|should all|must all) (be deported|go back|be locked up|be sent back|"
       "be kicked out|be banned|be segregated|not vote|not be allowed to vote)", HA, .65f, HAT, .3f),
    P3("death to (all|all the|the|-) @group", HAT, .9f, HA, .85f, V, .75f),
    P3("(shoot up|bomb|blow up|burn down|attack|firebomb|torch|set fire to|storm|drive into) @det|- *|- @holy_place",
       HAT, .8f, HA, .7f, V, .85f),
    P3("(call to|call for|calls to|calls for|calling for|calling to|incite|inciting|urge|urging|encourage|"
       "encouraging|rally|rallying|plan|planning|organize|organizing|justify|justifying) (violence|attacks|killing|"
       "killings|genocide|war|a race war|extermination|ethnic cleansing|a pogrom|pogroms|massacre|a massacre|riots) "
       "against|of|on|toward|towards @group", HAT, .85f, HA, .8f, V, .7f),
    P3("(urging|urge|encourage|encouraging|inciting|incite|calling on|call on|rally) @det|- (people|everyone|others|"
       "whites|men|patriots|readers|followers|you all|everybody) to attack|kill|hurt|burn|hunt|beat|shoot|harm|"
       "fight|lynch|exterminate @group", HAT, .85f, HA, .8f, V, .75f),
    P3("(shoot up|bomb|blow up|burn down|attack|gas|firebomb|torch|set fire to) @det|- *|- *|- (full of|filled with|"
       "packed with|with all the|and kill the|and kill all the|and kill every) @group", HAT, .85f, HA, .8f, V, .85f),
    P3("wipe|wiping @group (off the map|off the face of the earth|off the planet|from this country|"
       "from existence|out)", HAT, .9f, HA, .85f, V, .7f),
    P3("(gather weapons|grab your guns|get your guns|bring your guns|grab weapons|get weapons|arm yourselves|"
       "get the rifles|grab the pitchforks) and|- (we will|lets|its time to|time to|-) (hunt down|kill|round up|"
       "go after|attack|shoot|lynch) the|all|- @group", HAT, .85f, HA, .8f, V, .75f),
    // ===== illicit/violent: weapons, attacks, instructions for violence =====
    P3("@how @kill @person", IV, .8f, I, .75f, V, .85f),
    P3("@how @kill @person (without getting caught|and get away with it|without leaving evidence|"
       "and not get caught|and make it look like an accident|without anyone knowing)", IV, .9f, I, .85f, V, .85f),
    P2("@how (make|build|assemble|construct|create|cook|mix|put together|manufacture|rig|detonate|plant|set off|"
       "wire|design|prepare) @det|- *|- @explosive", IV, .9f, I, .8f),
    P2("@how (make|build|assemble|3d print|print|manufacture|convert|modify|machine|construct) @det|- *|- @gun",
       IV, .8f, I, .75f),
    P2("@how (buy|get|obtain|acquire|purchase|order) @det|- *|- @gun|@explosive (illegally|without a background check|"
       "with no background check|without background check|without a license|without a permit|"
       "without paperwork|on the black market|on the dark web|off the books|with no serial number|"
       "without a serial number|that cant be traced|that cannot be traced|untraceable)", IV, .85f, I, .85f),
    P2("@how (make|build|cook|synthesize|produce|brew|mix|release|weaponize|grow|culture|spread|extract|deploy) "
       "@det|- @chemweapon", IV, .9f, I, .8f),
    P3("@how (burn down|set fire to|torch|firebomb|blow up|bomb|poison|contaminate) @det|- *|- *|- (@place|"
       "@target_place|water supply|the water supply|reservoir|power grid|pipeline)", IV, .85f, I, .8f, V, .75f),
    P3("burn|burning @det|- *|- *|- (house|home|building|school|church|mosque|synagogue|store|car|apartment) down",
       V, .7f, IV, .45f, I, .45f),
    P3("(burn down|burning down|set fire to|torch|firebomb) @det|- *|- *|- @place", V, .7f, IV, .45f, I, .45f),
    P3("@how|@intend (plan|carry out|commit|pull off|get away with) @det|- (murder|a murder|kidnapping|"
       "a kidnapping|massacre|a massacre|mass shooting|a mass shooting|school shooting|a school shooting|"
       "terrorist attack|a terrorist attack|terrorism|bombing|a bombing|assassination|an assassination|genocide|"
       "stabbing|a stabbing|homicide|arson|drive by|a drive by)", IV, .9f, I, .8f, V, .85f),
    P3("(put|place|order|take out) a hit on @person", IV, .85f, I, .8f, V, .75f),
    P3("@how|@intend (plan|carry out|commit|do|pull off|organize) (a shooting|a mass shooting|a school shooting|"
       "a stabbing|a bombing|an attack|a massacre|a terrorist attack|a shooting spree) (at|in|on) @target_place",
       IV, .9f, I, .8f, V, .85f),
    P3("(hire|hiring|pay|paying) (a hitman|a hit man|hitman|an assassin|a contract killer|someone to kill|"
       "somebody to kill|a killer|someone to hurt|someone to beat up|a thug to)", IV, .85f, I, .8f, V, .7f),
    P3("derail|derailing @det|- *|- train|trains|subway", IV, .75f, V, .7f, I, .7f),
    P3("@how rob @det|- *|- (bank|store|gas station|house|home|person|someone|people|liquor store|jewelry store|"
       "convenience store|atm|armored truck|train|casino|pharmacy|old lady|tourist|tourists|at gunpoint|"
       "with a gun|with a knife)", I, .85f, IV, .6f, V, .5f),
    P3("@how|@intend (hijack|carjack|take hostages|take hostage|kidnap|abduct) @det|- *|- *|- (plane|car|bus|"
       "@person)", IV, .85f, I, .85f, V, .8f),
    P2("@how (sneak|smuggle) @det|- *|- (@gun|@explosive|knife|knives|weapon|weapons) into|past|through|onto|on",
       IV, .8f, I, .8f),
    // ===== illicit =====
    P1("@how (make|cook|synthesize|produce|manufacture|extract|brew|refine|isolate) @drug_make", I, .85f),
    P1("(recipe for|recipe to make|ingredients for|ingredients to make) @drug_make", I, .8f),
    P1("@how (buy|get|score|order|smuggle|sell|deal|traffic|import|push|source|grow) @det|- *|- @drug_buy", I, .8f),
    P1("@how (buy|get|order|obtain) @det|- *|- @drug_buy|@drug_rx (illegally|without a prescription|"
       "without prescription|online|on the dark web|on the street|from a dealer|without my parents knowing)", I, .85f),
    P1("sell|selling|deal|dealing|push|pushing @det|- @drug_buy to|at|in|on|for|online", I, .7f),
    P1("(dark web market|darknet market|silk road|drug dealer|plug for)", I, .45f),
    P1("@how (steal|rob|shoplift|pickpocket|hotwire|carjack|burglarize|burgle|loot) @det|- *|- @steal_obj", I, .85f),
    P1("i (stole|steal|shoplifted|shoplift|have stolen|have been stealing|keep stealing) @det|- *|- @steal_obj",
       I, .7f),
    P1("steal|stealing|stole|stolen|shoplift|shoplifted|shoplifting @det|- *|- @steal_obj", I, .4f),
    P1("@how (shoplift|pickpocket|hotwire|carjack|burglarize|burgle|mug someone|mug people|steal|loot|rob)", I, .85f),
    P1("@how (hack|hack into|break into|crack|spy on|snoop on|hijack|take over|brute force|phish|ddos|"
       "bypass the password on|bypass the lock on|get past the password on) @det|@person_poss|- *|- @hack_obj",
       I, .85f),
    P1("@how (get into|access|log into|log in to|read|see|check|look at|look through|go through|get access to|"
       "gain access to|get the password to|get the password for|monitor|track|open) @person_poss *|- @hack_obj",
       I, .8f),
    P1("(hack|hacking|hacked|hack into|hacking into) @person_poss|@det *|- @hack_obj", I, .45f),
    P1("@how (crack|bypass|steal|brute force|hack|phish|sniff|dump|harvest|intercept) @det|@person_poss|- *|- "
       "@password", I, .85f),
    P1("@how (get|find|figure out|guess|know|reset|change) @person_poss *|- @password", I, .8f),
    P1("(crack|cracking|brute force|bruteforce|bypass|bypassing|steal|stealing|dump|dumping|guess|guessing|hack|"
       "hacking|sniff|sniffing|phish|phishing) @det|@person_poss|- *|- @password (of|for|on|to|from)", I, .8f),
    P1("(write|create|make|code|build|develop|program|generate|design|craft|deploy|spread|send|set up|install|plant|"
       "hide|help me write|help me make|give me) @det|- *|- @malware", I, .85f),
    P2("ddos|dox|doxx|swatting|doxxing|ddosing @det|- *|- (@person|website|server|site|stream|streamer|network|"
       "game server|school)", I, .8f, H, .5f),
    P1("@how (make|get|buy|forge|create|print|produce|order|design|fake|fabricate|photoshop) @det|- "
       "fake|forged|counterfeit|false|phony|bogus|fraudulent @fake_doc", I, .85f),
    P1("fake|forged|counterfeit|phony|fraudulent @fake_doc", I, .45f),
    P1("forge|counterfeit|falsify|fabricate|doctor @det|- *|- (@fake_doc|records|document|documents|paperwork|data|"
       "results|evidence|timesheet|timesheets|medical records)", I, .8f),
    P1("@how (counterfeit|falsify)", I, .85f),
    P1("launder|laundering|laundered @det|- *|- (money|cash|funds|proceeds|profits|crypto|bitcoin|drug money)",
       I, .85f),
    P1("(money laundering|tax evasion|insurance fraud|identity theft|credit card fraud|wire fraud)", I, .45f),
    P1("@how (evade|dodge|cheat on|hide money from|hide income from|hide assets from|lie to) @det|- *|- (taxes|tax|"
       "the irs|irs|the tax man|hmrc|tax authorities)", I, .85f),
    P1("@how (avoid paying|not pay) @det|- *|- (taxes|tax|the irs|child support)", I, .45f),
    P1("@how (commit|do|pull off|get away with|run|start|set up|carry out|plan|organize|organise) @det|- @fraud",
       I, .85f),
    P1("@how (scam|con|swindle|defraud|rip off|fleece|blackmail|extort|sextort|bribe|catfish|embezzle from|"
       "steal from) (@person|old people|the elderly|elderly people|tourists|customers|investors|my employer|"
       "my company|insurance|insurance companies|the government|the system|welfare|medicare|a charity|"
       "people online|grandma|my grandma|my grandparents)", I, .85f),
    P1("cheat|cheated|cheating|scam|scammed|trick|tricked @person out of", I, .85f),
    P1("blackmail|blackmailing|extort|extorting|sextort|sextorting|swindle|swindling|defraud|defrauding|scam|scamming "
       "@person", I, .7f),
    P1("@how (break into|break in to|burgle|burglarize|jimmy open|pry open|kick in the door of|"
       "kick down the door of|break the window of|pick the lock of|pick the lock on) @det|@person_poss|- *|- @place",
       I, .85f),
    P1("(break into|break in to|broke into|breaking into|burgle|burglarize|burglarizing) @det|@person_poss|- *|- "
       "@place", I, .45f),
    P1("@how (sneak into|get into) @person_poss|a|an|the *|- @place (without|while|at night|when no one)", I, .6f),
    P1("pick|picking|bypass|crack @det|- *|- (lock|locks|padlock|deadbolt|safe|car door|door lock|handcuffs)", I, .4f),
    P1("smuggle|smuggling|smuggled @det|- *|- *|- @contraband", I, .8f),
    P1("@how (smuggle|traffic)", I, .8f),
    P1("@contraband (past|through) (security|customs|tsa|the border|the metal detector|airport security|"
       "border control|border patrol|the checkpoint)", I, .6f),
    P1("@how sell @det|- *|- (a baby|babies|my baby|children|kids|a child|organs|a kidney|kidneys|girls|women|people|"
       "humans|slaves|a slave|a human)", I, .9f),
    P1("@how (traffic|smuggle) @det|- *|- (people|humans|girls|women|children|kids|organs|migrants)", I, .9f),
    P1("(human trafficking|sex trafficking|organ trafficking|child trafficking)", I, .45f),
    P2("stalk|stalking|stalked|(spy on)|(spying on) @person", H, .65f, I, .55f),
    P2("@how stalk", H, .8f, I, .75f),
    P2("(secretly|covertly|without them knowing|without her knowing|without him knowing) (track|record|film|spy on|"
       "monitor|photograph|follow|watch|listen to|read|drug)", I, .75f, H, .6f),
    P2("(track|tracking|spy on|spying on|monitor|monitoring|record|recording|film|filming|wiretap|bug|photograph|"
       "photographing) @person|@person_poss *|- *|- *|- without *|- (knowing|noticing|finding out|knowledge|"
       "consent|permission)", I, .8f, H, .6f),
    P2("put|install|hide|place|plant @det|- *|- (tracker|gps tracker|tracking device|airtag|spyware|stalkerware|"
       "hidden camera|spy camera|keylogger|listening device|recording device) on|in|under @person_poss|@det *|- *|- "
       "(car|phone|room|bedroom|bathroom|house|laptop|computer|bag|purse)", I, .8f, H, .6f),
    P2("get|lure|entice|convince|groom|persuade @det|- *|- @minor (alone|to come with me|into my car|into my van|"
       "into my house|to my house|to meet me|to meet up|away from their parents|away from her parents|"
       "away from his parents)", I, .8f, XM, .45f),
    P2("lure|entice|groom|grooming|groomed @det|- *|- @minor", I, .8f, XM, .6f),
    P1("(without their parents|without her parents|without his parents|without my parents|without the parents) "
       "(knowing|finding out|noticing|permission|consent|seeing)", I, .45f),
    P1("@how|@intend drug|spike|roofie @det|- (drink|drinks|@person|girl|woman|date|her)", I, .85f),
    P1("spike|spiked|spiking @det|- *|- (drink|drinks|coffee) with", I, .7f),
    P1("@how (cheat on|cheat in) @det|- *|- (exam|test|exams|tests|sat|act|bar exam|drug test|breathalyzer|"
       "polygraph)", I, .4f),
    P1("@how (poach|hunt|kill) @det|- *|- (endangered|protected|elephants|rhinos|tigers|eagles)", I, .7f),
    P1("@how (get away with|escape|outrun|evade|hide from) @det|- *|- (police|cops|the law|the feds|arrest|"
       "a warrant|a dui|the fbi|interpol|law enforcement)", I, .7f),
    P3("@how (hide|get rid of|dispose of|dissolve|bury|dump) (dead body|a body|the body|a dead body|the dead body|"
       "bodies|the bodies|a corpse|the corpse|corpse|corpses|the murder weapon|murder weapon|the blood|"
       "blood stains|bloodstains|the victim|a victim)", I, .85f, IV, .8f, V, .75f),
    P1("@how (hide|get rid of|dispose of|destroy) (evidence|the evidence|fingerprints|dna evidence)", I, .8f),
    // ===== self-harm =====
    P2("@i_want @sh_verb @sh_obj", SI, .9f, S, .9f),
    P2("@i_want_ing @sh_verb_ing @sh_obj", SI, .9f, S, .9f),
    P2("@sh_verb_ing @sh_obj", S, .65f, SI, .45f),
    P2("i cut|burned|burnt|hurt|harmed|starved|scratched|punched|hit|cutting|burning @sh_obj", S, .6f, SI, .55f),
    P2("@i_want_die (die|be dead|not exist|not be alive|stop existing|disappear forever|not wake up|never wake up|"
       "sleep forever|go to sleep forever|fall asleep and never wake up|end it all|give up on life|stop living|"
       "stop breathing|overdose|od|jump off a bridge|jump off a building|jump off the roof|jump in front of a train|"
       "step in front of a train|step in front of a bus)", SI, .85f, S, .85f),
    P2("(i dont|i do not|i no longer|i really dont|dont) (want to|wanna) (be alive|keep living|live anymore|"
       "be alive anymore|exist anymore|be here anymore|go on anymore|go on living|wake up anymore|"
       "wake up ever again|live another day|see tomorrow|live like this anymore)", SI, .85f, S, .85f),
    P2("i wish (i was dead|i were dead|i could be dead|i had been dead|i was never born|i had never been born|"
       "i never existed|i was not alive|i wasnt alive|i could just die|i could disappear forever)", SI, .85f, S, .85f),
    P2("(better off dead|better off without me|no reason to live|nothing to live for|nothing left to live for|"
       "cant go on anymore|ready to die|want to end it all|end it all|my suicide note|wrote my suicide note|"
       "writing my suicide note|this is goodbye forever|dont want to be here anymore|life is not worth living|"
       "life isnt worth living|my life is worthless|i have no reason to live|everyone would be better off without me|"
       "world would be better without me|the world is better without me)", SI, .85f, S, .85f),
    P2("(im|i am|i feel|i have been|ive been|feeling|i keep feeling|i get|i become|i was) (suicidal|so suicidal|"
       "really suicidal|very suicidal|kind of suicidal|kinda suicidal|a bit suicidal)", SI, .9f, S, .9f),
    P2("(i have|ive been having|im having|i have been having|i keep having|having) (suicidal thoughts|"
       "thoughts of suicide|thoughts of killing myself|thoughts of ending my life|urges to cut|urge to cut|"
       "urges to hurt myself|urge to hurt myself|urges to self harm|urge to self harm)", SI, .85f, S, .85f),
    P2("(commit suicide|kill myself|end my life|take my own life|suicidal|self harm|selfharm|self harming|"
       "self injury|hurt myself|cutting myself|cut myself|harm myself|unalive myself)", S, .6f, SI, .4f),
    P1("suicide|overdose", S, .4f),
    P2("(i have|ive got|i got|i have got) (the|my|all the|all my|enough) (pills|rope|razor|razor blades|blade|"
       "gun|noose|sleeping pills) ready", SI, .8f, S, .8f),
    P2("@i_want (take|swallow|down) (them all|all of them|all the pills|all my pills|all of my pills|"
       "the whole bottle|a whole bottle|every pill i have|all my meds|all of my meds)", SI, .85f, S, .85f),
    P2("(i took|ive taken|i just took|i swallowed|i just swallowed) (a whole bottle of|all my|all of my|"
       "the whole bottle of|a bottle of|too many|a handful of|50|30|20|40|100) @pills", SI, .8f, S, .8f),
    P3("@how @sh_verb @sh_obj", SN, .9f, S, .9f, SI, .8f),
    P2("@how @sh_verb (yourself|oneself|themselves|ourselves|your life|your own life|ones life|ones own life)",
       SN, .85f, S, .85f),
    P2("@how (commit suicide|kill myself|end my life|overdose|od|die painlessly|die quickly|die without pain|"
       "die in my sleep|die fast|go through with it|hang myself|slit my wrists|drown myself|starve myself|"
       "make myself throw up|make myself vomit|hide my cuts|hide my scars|hide self harm|hide cutting|"
       "hide my self harm|cut deeper|tie a noose|make a noose|unalive myself)", SN, .9f, S, .9f),
    P2("(painless|painlessly|least painful|quickest|fastest|easiest|surest|cleanest|most painless|most effective|"
       "best way|best ways|way|ways|methods|method|ways of|method of|methods of) (to die|of dying|of suicide|"
       "for suicide|to commit suicide|to end my life|to kill myself|to kill yourself|to end it all)", SN, .85f,
       S, .85f),
    P1("(suicide methods|methods of suicide|suicide method)", SN, .85f),
    P2("(how many|how much) *|- @pills (to|does it take to|would it take to|do i need to|will|would|until|before) "
       "(overdose|od|die|kill me|kill myself|kill you|kill a person|be lethal|be fatal|end it|be deadly|"
       "never wake up)", SN, .85f, S, .85f),
    P2("lethal|fatal|deadly|toxic dose|amount|overdose of|-", SN, .55f, S, .55f),
    P3("how deep *|- *|- *|- (cut|slit) (@sh_obj|to bleed|to die|to kill myself|to end it|to hit a vein|"
       "to hit an artery|to end my life|to commit suicide)", SN, .8f, S, .8f, SI, .75f),
    P2("which|what vein|veins|artery|arteries (to cut|to slit|to hit|should i cut|do i cut|should i slit|do i slit|"
       "is best to cut)", SN, .85f, S, .85f),
    P2("(where to|where should i|where do i|where can i) (cut myself|slit my wrists|hang myself)", SN, .7f, S, .7f),
    P2("hide|cover|conceal (@det|cover up|-) (self harm|selfharm|cutting|self harm scars|cuts|cut marks|"
       "cutting scars|scars from cutting|burns on my)", SN, .75f, S, .8f),
    P2("(pro ana|proana|pro mia|thinspo|thinspiration|meanspo|bonespo|pro ana tips|starving tips|ana tips|ana coach|"
       "pro suicide)", S, .8f, SN, .6f),
    P2("(which|what|how high|how tall) (bridge|building|cliff|height|floor|story|roof|balcony|-) *|- *|- *|- "
       "(to die|to end it|to commit suicide|to not survive|to be fatal|is fatal|kills you|to jump and die)",
       SN, .85f, S, .85f),
    P3("(which|what|how high|how tall) (bridge|building|cliff|height|floor|story|roof|balcony|-) *|- *|- *|- "
       "(to kill myself|to end my life|will kill me|to jump to my death|for me to die)", SN, .85f, S, .85f, SI, .8f),
    P2("@sh_np is|are|was a|the|- (good|great|best|only|answer|solution|beautiful|romantic|brave|way out|release|"
       "cure|relief|valid|okay|fine|healthy|the answer|the way|worth it|a good way to cope|a way to cope|"
       "the best way to cope)", S, .75f, SN, .4f),
    P2("(write|make|glorify|glorifying|romanticize|romanticizing|encourage|encouraging|promote|promoting) @det|- *|- "
       "*|- (@sh_np|slitting|slitting your wrists|killing yourself)", S, .7f, SN, .35f),
    P2("(you should|go ahead and|you need to|just|why dont you|try|try to|you could|u should) "
       "cut|hurt|starve|burn|kill (yourself|your wrists|your arms)", S, .75f, H, .7f),
    // ===== sexual =====
    P1("@sx_strong @sx_content", X, .85f),
    P1("@sx_mild @sx_content", X, .45f),
    P1("@describe @det|- *|- *|- @sx_strong", X, .45f),
    P1("@describe @det|- *|- *|- @sx_strong @sx_content", X, .9f),
    P1("(sex scene|sex scenes|sex story|sex stories|sex chat|phone sex|cyber sex|cybersex|sexting|sext|sext me|nudes|"
       "nude pics|nude photos|naked pics|naked photos|naked pictures|nude pictures|dick pic|dick pics|"
       "explicit photos|explicit pictures|explicit images|explicit videos|sex tape|sex tapes|sex video|"
       "sex videos|porn video|porn videos|onlyfans leaks|leaked nudes|lets sext|wanna sext|send nudes|"
       "sexual roleplay|erotic roleplay|sexual fantasy|sexual fantasies|sex fantasy|naughty pics)", X, .8f),
    P2("(send me|send|show me|post|share|leak|leaked|trade|dm me|give me) @det|- *|- (nudes|nude pics|"
       "nude pictures|nude photos|naked pics|naked pictures|naked photos|topless pics|topless photos|explicit pics|"
       "explicit pictures|explicit photos|sexy pics|sexy pictures|sexy photos|sexy selfies|dirty pics|"
       "dirty pictures|dirty photos|lewd pics|lewds|spicy pics|spicy pictures|naughty pics|nude selfies|a nude|"
       "nude pic|naked pic|dirty pic|nsfw pics|nsfw pictures)", X, .8f, H, .3f),
    P2("@want_to @sex_verb (@you|your body|your pussy|your ass|your tits|your boobs|your dick|your cock|your mouth|"
       "your sexy body|your hot body|your naked body)", X, .85f, H, .45f),
    P2("@want_to (see you naked|watch you strip|rip your clothes off|take your clothes off|feel your body|"
       "touch your body|kiss your body|touch yourself for me|tie you up and)", X, .85f, H, .45f),
    P1("@want_to @sex_verb (me|her|him|your mom|your sister|your wife|your girlfriend|your boyfriend|"
       "your husband|my wife|his wife|her husband|my girlfriend|my boyfriend|my teacher|my boss|my coworker|"
       "my neighbor|my neighbour)", X, .8f),
    P1("(have sex with|having sex with|had sex with|anal sex|oral sex|rough sex|group sex)", X, .7f),
    P1("(unprotected sex|safe sex|safer sex)", X, .4f),
    P1("(talk dirty|dirty talk|dirty talking|talking dirty|moan for me|turns me on|make me cum|make me come|"
       "get me off|get me hard|get me wet|im so horny|i am horny|im horny|so horny|youre so hot|you are so sexy|"
       "youre so sexy|you look sexy|your body is hot|show me your body|take off your clothes|"
       "take your clothes off|strip for me|get naked|naked for me|touch yourself|touching myself|touch myself|"
       "makes me wet|making me wet|makes me hard|making me hard|i am so wet|im so wet|so hard for you|lick you|"
       "suck you|ride you|spread your legs|on your knees for me)", X, .8f),
    P1("(sexually explicit|explicit sex|explicit sexual|graphic sex|graphic sexual|sexual intercourse in detail|"
       "describe sex|describing sex|describe their sex|describe the sex|sex in detail|sex act|sex acts|"
       "sexual acts|sexual act|sexual favors|sexual services|sexual positions|sex positions|sex position|"
       "positions for sex|best positions for)", X, .8f),
    P1("describe @det|- *|- *|- (naked body|nude body|body naked|breasts|tits|boobs|genitals|penis|vagina|pussy|dick|"
       "cock|her body in detail|his body in detail|bodies in detail)", X, .8f),
    P1("(roleplay|role play|rp|pretend to be|act as|be my|roleplay as|role play as|play) my|a|an|the|- (sex slave|"
       "dominatrix|stripper|prostitute|escort|hooker|sugar baby|mistress|sex doll)", X, .65f),
    P1("(roleplay|role play|rp|pretend to be|act as|be|roleplay as|role play as) (my|a) (girlfriend|boyfriend|wife|"
       "husband|lover) (and|who|that) (talks dirty|talk dirty|undresses|undress|strips|strip|moans|moan|"
       "seduces me|seduce me|has sex|have sex|sexts|sext)", X, .75f),
    P1("(prostitute|prostitutes|hooker|hookers|escort service|escorts near|hire an escort|hire a prostitute|buy sex|"
       "pay for sex|brothel|brothels|sex worker near|happy ending massage)", X, .5f),
    P1("@how (hire|find|get|buy|pay for|book) @det|- (prostitute|hooker|escort|sex worker|happy ending|sex)", X, .6f),
    P1("(stroke|stroking|jerk|jerking|rub|rubbing) my|his|your (cock|dick|penis|pussy|clit|shaft)", X, .85f),
    P1("(@describe|write|generate|create|make) @det|- *|- naked|nude|topless|undressed|sexy|lewd|nsfw|explicit "
       "(pictures|pics|images|photos|photo|picture|image|version of|deepfake|deepfakes)", X, .8f),
    P1("(draw|paint|generate|create|render|make|photoshop|edit) (her|him|them|@det *) (naked|nude|topless|"
       "undressed|without clothes)", X, .8f),
    P1("(deepfake porn|deepfake nudes|nudify|undress app|undress her|undress him|remove her clothes|"
       "without her clothes|without clothes on)", X, .8f),
    // ===== sexual/minors =====
    P2("@sexual_w *|- *|- *|- @minor", XM, .9f, X, .85f),
    P2("@minor *|- *|- *|- @sexual_w", XM, .85f, X, .85f),
    P2("@sexual_weak *|- *|- @minor", XM, .45f, X, .4f),
    P2("@minor *|- *|- @sexual_weak", XM, .45f, X, .4f),
    P2("(sexual|sex|erotic|explicit|nsfw|lewd|porn|porno|dirty|smutty|naked|nude) (scene|story|roleplay|rp|fantasy|"
       "photos|pictures|pics|images|video|videos|chat|content|encounter|poem|fanfic|relationship|act|acts) "
       "(between|with|involving|featuring|about|of|starring|for) (an adult and|a man and|a woman and|me and|"
       "my teacher and|a teacher and|-) @minor", XM, .9f, X, .85f),
    P2("(child porn|child pornography|kiddie porn|kiddy porn|cp links|csam|child sexual abuse material|pedo porn|"
       "preteen porn|underage porn|teen porn|jailbait|pthc|loli porn|lolicon|shotacon|child erotica|child sex|"
       "sex with a minor|sex with minors|sex with children|sex with a child|sex with kids|sex with a kid|"
       "underage sex|underage nudes|pedophilia|pedo|pedos|map pride|minor attracted)", XM, .9f, X, .85f),
    P2("(@want_to|@how) (have sex with|fuck|molest|rape|grope|fondle|seduce|hook up with|make love to|"
       "go down on|jerk off to|masturbate to|sext|sext with) @det|- *|- @minor", XM, .85f, X, .8f),
    P2("@how (get|convince|trick|persuade|make) @det|- *|- @minor (to send nudes|to send me nudes|"
       "to send me pictures|to send me photos|into sending nudes|to take off their clothes|"
       "to take off her clothes|to take off his clothes|to sext|to meet me alone|to meet up with me alone|"
       "to keep a secret from their parents|to keep secrets from their parents)", XM, .85f, X, .8f),
    {"@minor", {kMinor, 1}},
    // ===== guards: benign look-alikes =====
    GUARD("(kill|killing|kills|killed|terminate|terminating|terminated|end|ending|stop|stopping|murder|shoot|nuke|"
          "slay|destroy|execute|executing|executed|execution of|run|running|debug) @det|- *|- @proc"),
    GUARD("(kill|killing|kills|killed|murder|murdered|murdering) @det|- (lights|light|power|engine|motor|music|sound|"
          "noise|mood|vibe|buzz|time|it|switch|bill|idea|deal|plan|feature|project|weeds|weed|bugs|bug|germs|"
          "bacteria|mold|mould|pests|ants|roaches|cockroaches|mice|mouse|rats|flies|fleas|ticks|termites|slugs|"
          "aphids|mosquitoes|wasps|hornets|lice|bed bugs|bedbugs|spiders|moths|battery|conversation|joke|joy|"
          "momentum|enthusiasm|cell|cells|tumor|tumors|virus|viruses|fungus|algae|grubs|vermin|snails|grass|plants|"
          "plant|song|speech|presentation|interview|audition|exam|test|karaoke|dance|workout|run|race|game|match|"
          "chances|appetite|party|process|competition|deer|chicken|fish|turkey|pig|cattle|cow|lobster|crab|crabs|"
          "darlings|zombies|zombie|dragon|monster|monsters|enemies|enemy|orc|orcs|goblin|goblins|boss|bosses)"),
    GUARD("(final|last|first|secret|mini|end|raid|level|big|main|optional|hidden|dungeon|world) (boss|bosses)"),
    GUARD("(boss fight|boss battle|the boss in|that boss|this boss|each boss|every boss|boss level|boss rush)"),
    GUARD("shoot|shooting|shot|shoots @det|- *|- (photo|photos|photograph|photographs|picture|pictures|pic|pics|video|"
          "videos|film|movie|scene|portrait|portraits|wedding|weddings|footage|hoops|baskets|basketball|"
          "free throws|free throw|three pointers|three pointer|pool|the breeze|an email|a message|a text|a line|"
          "a note|a look|a glance|for the stars|for the moon|your shot|my shot|the messenger|the gap|a film|"
          "a documentary|in raw|in manual|on film|at night|at sunset|landscapes|product|products|headshots|"
          "headshot|photography|a commercial|a music video|a short|b roll|the moon|a video|hoop)"),
    GUARD("shoot|shot|shooting @pron|me|us (a|an|some|me an|me a)"),
    GUARD("shoot|shot|shooting myself|yourself|themselves|ourselves (in the foot)"),
    GUARD("(is|was|its|thats|that is|are|were|these are|this is) (the bomb|da bomb|bomb dot com)"),
    GUARD("(bomb shaped|bomb cake|bath bomb|bath bombs|seed bomb|seed bombs|photobomb|photo bomb|photobombed|"
          "photobombing|bomb pop|bomb pops|bomb calorimeter|bomb cyclone|f bomb|f bombs|truth bomb|truth bombs|"
          "love bomb|love bombing|cherry bomb|glitter bomb|bomb diggity|bombed my exam|bombed the exam|"
          "bombed the test|bombed my test|bombed the interview|bombed my interview|bombed on stage|bomb the test|"
          "bomb the exam|bomb the interview|bombed my audition|bombed the audition|bomb squad|bomb disposal|"
          "bomb in among us|cookie bomb|cake bomb|chocolate bomb|hot chocolate bomb|hot chocolate bombs|bomb jacket|"
          "bomber jacket|flavor bomb|flavour bomb|calorie bomb|sugar bomb|vitamin bomb|protein bomb|salad bomb|"
          "yarn bomb|yarn bombing|bomb recipe)"),
    GUARD("execute|execution|executing|executed|executes @det|- *|- (query|queries|script|scripts|command|commands|"
          "code|program|programs|function|functions|order|orders|plan|plans|trade|trades|task|tasks|statement|"
          "statements|sql|file|files|binary|contract|will|strategy|test|tests|job|jobs|workflow|request|requests|"
          "transaction|transactions|instruction|instructions|move|moves|play|plays|shell|python|bash|cell|cells|"
          "notebook|payload|lambda|procedure|stored procedure|migration|migrations|step|steps|vision|idea|ideas|"
          "routine|trick)"),
    GUARD("(attack surface|attack surfaces|attack vector|attack vectors|attack tree|attack trees|heart attack|"
          "heart attacks|panic attack|panic attacks|anxiety attack|anxiety attacks|asthma attack|asthma attacks|"
          "attack on titan|attack the problem|attack this problem|attack the opening|attack a chess|"
          "attack helicopter|attack rate|attack speed|attack damage|attack roll|attack rolls|attack bonus|"
          "attack power|attack stat|attack the ball|attack the net|attack the basket|attack the day|attack of the|"
          "sneak attack|attack a problem|attack the issue|attack the question|allergy attack|gout attack|"
          "migraine attack|attack move|attack moves|attack mode|attack position|attacking midfielder|"
          "attacking player|attack in chess|attack on the king|attack the king|attack the queen|attack his queen|"
          "attack her queen|attack their queen|attack my queen)"),
    GUARD("(dying to|dying for|dying of laughter|dying laughing|died laughing|die laughing|to die for|die hard|"
          "diehard|die of embarrassment|die of boredom|die of cringe|die happy|die on that hill|die on this hill|"
          "die a little|dying of boredom|dying of embarrassment|dying of thirst|dying of hunger|died of laughter|"
          "i could die|could have died|dying inside|die down|died down|dies down|battery died|battery is dying|"
          "phone died|phone is dying|dying battery|plant is dying|plants are dying|plant died|killing me|kills me|"
          "killed me|killing it|killed it|kill it|killed the game|killing the game|kills it|slay|slayed|slaying|"
          "slays|die if|die when|die of|die from|die before|die someday|die one day|die eventually|die alone)"),
    GUARD("crack|cracking|cracked|cracks @det|- *|- (egg|eggs|joke|jokes|smile|window|windows|code|case|puzzle|"
          "knuckles|nut|nuts|whip|open|beer|a beer|a cold one|riddle|screen|phone screen|books|a book|"
          "under pressure|a grin|up|down on|walnut|walnuts|coconut|pistachios|lobster|crab|ice|glaze|paint|pepper|"
          "black pepper|the top|the market|problem)"),
    GUARD("hack|hacking|hacked|hacks (together|on|around|away at|away|my productivity|my sleep|my morning|"
          "my routine|my diet|my metabolism|my life|my brain|my learning|your productivity|your sleep|"
          "your morning|your routine|the algorithm|a quick|a simple|a prototype|a demo|a solution|a fix|"
          "a workaround)"),
    GUARD("(life hack|life hacks|lifehack|lifehacks|kitchen hack|kitchen hacks|cleaning hack|cleaning hacks|hackathon|"
          "hackathons|hacker news|hackerrank|hackers movie|growth hack|growth hacking|productivity hack|"
          "productivity hacks|study hack|study hacks|travel hack|travel hacks|money hack|budget hack|"
          "ethical hacking|ethical hacker|white hat|capture the flag|ctf|bug bounty|penetration test|"
          "penetration testing|pen test|pentest|pentesting|security audit|red team)"),
    GUARD("steal|steals|stole|stealing|stolen @det|- *|- (show|spotlight|kiss|glance|look|base|second|third|home|"
          "home plate|limelight|heart|hearts|time|moment|nap|bite|scene|ball|possession|march|win|game|victory|"
          "lead|idea|ideas|thunder|recipe|design|style|deal|attention)"),
    GUARD("(steal like an artist|a steal|what a steal|steal of a deal|steal deal|total steal|absolute steal)"),
    GUARD("(break into|break in to|breaking into|broke into) @det|- *|- (industry|market|business|field|scene|"
          "career|world|tech|music|film|song|dance|tears|laughter|a run|a sprint|a sweat|a smile|a grin|pieces|"
          "a new|the top|the league|hollywood|acting|modeling|journalism|publishing|consulting|finance|gaming|"
          "comedy|politics|a gallop|a trot|a jog|applause|cheers|the charts|the mainstream|data science|"
          "cybersecurity|ux|design|marketing|sales|law|medicine|nursing|teaching|aviation|real estate|the game)"),
    GUARD("(break into|break in to|get into|breaking into|broke into) (my own|my|our) (car|house|home|apartment|locker|"
          "safe|room|account|email|phone|laptop|computer)"),
    GUARD("(poison ivy|poison oak|poison sumac|poison control|poison dart|poison proof|poison proofing|food poisoning|"
          "lead poisoning|carbon monoxide poisoning|alcohol poisoning|mercury poisoning|poisonous|pick your poison|"
          "poison the well|poisoning symptoms|poisoned by|got poisoned|was poisoned by|rat poison|poison type|"
          "poison damage|poison my garden|poison for pests|poison for ants|poison for rats|poison for mice|"
          "poison for slugs)"),
    GUARD("(kill two birds|killer app|killer apps|killer feature|killer features|killer whale|killer whales|"
          "killer deal|killer look|killer outfit|killer instinct|killer workout|killer bees|killer smile|"
          "killer queen|killer sudoku|killer heels|killer views|killer view|killer abs|killer playlist|"
          "killer recipe|killer combo|killer move|killer bass|killer riff|killer solo|killer line|killer joke|"
          "killing time|kill time|kill some time|killing some time|kill the time|time killer|mood killer|"
          "weed killer|pain killer|painkiller|painkillers|bug killer|germ killer|killer shot)"),
    GUARD("(drop dead gorgeous|drop dead funny|knock em dead|knock them dead|break a leg|break the ice|blow off steam|"
          "blow your mind|blow my mind|blew my mind|mind blowing|blow me away|blew me away|blown away|blow it out|"
          "blow out the candles|blowing up my phone|blow up my phone|blew up my phone|blowing up on|blew up on|"
          "blow up balloons|blow up a balloon|blow up the balloons|blow up the picture|blow up the photo|"
          "blow up an image|blow up the image|blow up a photo|blew up online|blow up online|blowing up online|"
          "blowing up right now|blew up overnight|if looks could kill|dressed to kill|scared to death|"
          "bored to death|worried to death|loved to death|love you to death|tickled to death|laughed to death|"
          "talked to death|done to death|beat a dead horse|beating a dead horse|flogging a dead horse|dead tired|"
          "dead serious|dead wrong|dead right|dead on|dead last|dead set|dead ringer|dead end|dead beat|"
          "dead center|dead heat|dead weight|dead zone|dead pixel|dead pixels|dead code|dead link|dead links|"
          "dead battery|dead calm|dead silent|dead quiet|dead easy|dead simple|dead cheap|dead sure|dead to me)"),
    GUARD("cut|cutting|cuts @det|- *|- (hair|bangs|nails|fingernails|toenails|onion|onions|carrot|carrots|"
          "vegetables|veggies|bread|cake|cheese|meat|wood|paper|fabric|corners|costs|cost|class|classes|ties|loose|"
          "the cord|it out|grass|lawn|deal|check|tooth|teeth|glass|tile|tiles|pizza|steak|chicken|potatoes|fruit|"
          "apple|mango|pineapple|watermelon|tomato|tomatoes|garlic|herbs|branches|tree|trees|hedge|hedges|pipe|"
          "pipes|metal|drywall|foam|vinyl|video|clip|scene|film|footage|audio|track|song|budget|spending|calories|"
          "carbs|sugar|weight|back on|down on|it short|in line|the line|sleeves|jeans|shorts|pattern|patterns|"
          "stencil|coupon|coupons|cards|deck|rope|slack|losses)"),
    GUARD("(cut|cutting) (@pron|me|us) (off|some slack|a check|a deal|a break|in line)"),
    GUARD("hang|hanging|hung @det|- (picture|pictures|painting|paintings|art|shelf|shelves|curtains|curtain|lights|"
          "clothes|laundry|wallpaper|frame|frames|mirror|mirrors|tv|hammock|plants|plant|flag|flags|decorations|"
          "ornaments|wreath|banner|poster|posters|coat|jacket|hat|towel|towels|swing)"),
    GUARD("hang|hanging|hung (out|up|on|in there|tight|loose|around|over|a left|a right|ten|by a thread|with)"),
    GUARD("kill|killing|killed|shoot|shot|shooting|work|working|worked|destroy|destroying|push|pushing|punish|"
          "punishing myself|yourself|themselves|ourselves|me|us (laughing|in the foot|trying|trying to|working|"
          "at work|with work|studying|at the gym|in the gym|to please|to keep up|to finish|with workouts|"
          "with exercise|on the treadmill|over nothing)"),
    GUARD("(burn|burned|burning|burnt|wear|wore|wearing|work|worked|working|push|pushing|pushed|drown|drowning|bury|"
          "burying) (myself|yourself|themselves) (out|too hard|to the limit|harder|in work|in coffee|in chocolate|"
          "in books|in studying|in homework|in music|in games)"),
    GUARD("(cut|cuts|burned|burnt|hurt|scratched|hit|cutting|burning|injured|bruised) (myself|yourself) (shaving|"
          "cooking|on|while|by accident|accidentally|playing|at|in the kitchen|slicing|chopping|opening|ironing|"
          "baking|gardening|working|today at|yesterday at|during|when)"),
    GUARD("(cut|end|burn|kill|hurt|harm|poison|starve|punish|hang|choke|drown) (myself|yourself|oneself|themselves) "
          "(a|an|some|out|free|loose|short|up)"),
    GUARD("(my|your|ones|his|her) life (insurance|savings|story|goals|coach|lessons|partner|choices|plan|path)"),
    GUARD("(suicide squad|suicide prevention|suicide hotline|suicide lifeline|suicide awareness|suicide rates|"
          "suicide rate|suicide statistics|suicide doors|suicide linux|suicide king|suicide kings|suicide mission|"
          "suicide crisis line|crisis line|crisis hotline|suicide and crisis|988|suicide watch|suicide risk|"
          "suicide girls|suicide burn|suicide run|suicide runs|suicide sprint|suicide sprints|suicide drill|"
          "suicide drills|suicide squeeze|prevent suicide|preventing suicide|talk someone out of suicide|"
          "help a friend who|help someone who|support a friend|friend who is suicidal|friend who self harms|"
          "someone who is suicidal|someone who self harms|recover from self harm|recovering from self harm|"
          "stop self harming|stop cutting|stopped cutting|quit self harm|clean from self harm|self harm recovery|"
          "self harm awareness|self harm support|warning signs of suicide|signs of suicide|signs of self harm|"
          "therapy for|therapist|therapists|counselor|counselling|counseling|hotline number|crisis number)"),
    GUARD("(talk|talking|speak|speaking|teach|teaching|explain|explaining|educate|educating|tell|telling|discuss|"
          "discussing|approach|protect|protecting|keep|keeping|warn|warning|prepare|preparing|help|helping) *|- *|- "
          "*|- @minor (about|how|when|why|from|against|safe|online|away)"),
    GUARD("(report|reporting|protect|protecting|prevent|preventing|prevention|signs of|spot|spotting|stop|stopping|"
          "recognize|recognizing|detect|detecting|detection|survivors of|survivor of|victims of|victim of|combat|"
          "combating|combatting|fight against|laws against|warning signs of|dangers of|awareness of|statistics on|"
          "statistics about|research on|history of) *|- @minor"),
    GUARD("@minor (asked|asks|asking|is asking|wants to know|keeps asking|has questions|had questions|is curious|"
          "learned|heard|found out|saw|found|watched|watching|looked at|searched for|searching|stumbled on|"
          "came across|accessed|seeing|exposed to|viewing|viewed|is watching|has been watching|got|get|gets)"),
    GUARD("(sex|sexual) (education|ed|health|chromosomes|chromosome|differences|difference|ratio|hormones|hormone|"
          "cells|cell|reproduction|selection|dimorphism|orientation|orientations|identity|determination|offender|"
          "offenders|offender registry|abuse awareness|abuse prevention|assault awareness|harassment policy|"
          "harassment training|linked|characteristics|discrimination|development|of the|of a|of my|of your|of his|"
          "of her|of their|of this|of that|of our|of baby|of puppies|of kittens|of chicks)"),
    GUARD("(same|opposite|biological|birth|assigned|both|either|different) (sex|sexes)"),
    GUARD("(sex and gender|sex or gender|gender and sex|gender or sex|sex vs gender|gender vs sex|sex versus gender)"),
    GUARD("(sexual|explicit|adult) content (policy|policies|filter|filters|warning|warnings|moderation|guidelines|"
          "rules|rating|ratings|detection|settings|setting|label|labels|block|blocking|blocker)"),
    GUARD("(kids|childrens|children|baby|babies|girls|women|womens|people) (clothes|clothing|toys|books|shoes|"
          "furniture|gear|stuff|items|bikes|products|art|crafts|jewelry|bags)"),
    GUARD("(groom|grooming) @det|- *|- (hair|dog|dogs|cat|beard|horse|pet|eyebrows|poodle)"),
    GUARD("(drown|drowning|drowned) (him|her|them|it|everyone|everybody|people) out"),
    GUARD("die|dye|died|dyed (my|your|her|his|their) (hair|beard|eyebrows|clothes|shirt|jeans)"),
    GUARD("(choked|choke|choking) (him|her|them|me|us|everyone) up"),
    GUARD("(hit|hitting) (@pron|me|us|you|u) (up|back)"),
    GUARD("(kick|kicked|kicking) @person (out|off)"),
    GUARD("(jump|jumpstart|jump start) @det|- *|- (car|battery|truck)"),
    GUARD("(hurt|hurting|hurts) @person (feelings|pride|ego|chances|reputation|business|career)"),
    GUARD("(beat|beating|beats|fight|fighting|crush|crushing|destroy|destroying|kill|murder|slaughter|smoke|wreck|own|"
          "demolish) (@person|you|u|yall|you all) (at|in) (@sport|@game)"),
    GUARD("(murder mystery|murder mysteries|murder mystery party|murder ballad|murder podcast|true crime|"
          "murder she wrote|murder on the orient express|murder of crows|murder drones|murder in the library)"),
    GUARD("crime|heist (novel|novels|story|stories|show|shows|fiction|thriller|drama|podcast|scene|rate|rates|"
          "statistics|documentary|writer|writing|series|book|books|movie|movies|film|game)"),
    GUARD("body (odor|odour|fat|hair|acne|pain|aches|ache|heat|lotion|wash|spray|image|weight|shaming|butter|scrub|"
          "paragraph|paragraphs|text|copy|tag|language|count|temperature|temp|armor|shop|kit|part|parts|panel|"
          "panels|clock)"),
    GUARD("(water gun|nerf gun|glue gun|hot glue gun|toy gun|squirt gun|potato gun|paintball gun|airsoft gun|bb gun|"
          "nail gun|heat gun|staple gun|spray gun|massage gun|grease gun|caulk gun|caulking gun|gun shy|top gun|"
          "big gun|big guns|stick to my guns|sticking to my guns|jump the gun|smoking gun|guns n roses|gun metal|"
          "glue guns|laser gun|ray gun|light gun|prop gun|prop guns|cosplay gun|foam gun|cardboard gun|lego gun|"
          "wooden gun|rubber band gun|cap gun|flare gun|tattoo gun|radar gun|speed gun|label gun|price gun|"
          "soldering gun|piping gun|frosting gun|glue gun sticks)"),
    GUARD("(virus scanner|virus scan|antivirus|virus protection|virus removal|virus checker|worm bin|worm farm|"
          "worm composting|worm game|snake game|malware analysis|malware detection|malware removal|"
          "trojan horse costume|trojan horse story|trojan war|remove the virus|remove a virus|remove malware|"
          "detect malware|exploit kit for ctf)"),
    GUARD("(cum laude|magna cum laude|summa cum laude|cum grano salis|moby dick|dick van dyke|dick cheney|dick tracy|"
          "philip k dick|k dick|spotted dick|dicks sporting goods|dick grayson|dick whittington|dick clark|"
          "dick smith|dick francis|great tit|blue tit|coal tit|tit for tat|blue tits|great tits|coal tits|"
          "cock a doodle|cock and bull|weather cock|half cocked|stop cock|ball cock|cock the gun|cock the hammer|"
          "cocked the gun|pussy cat|pussycat|pussy willow|pussy willows|pussyfoot|pussyfooting|wild ass|"
          "an ass and|jack ass|the ass and|kick ass|kickass|badass|bad ass|half ass|half assed|smart ass|"
          "smartass|pain in the ass|sex pistols|sex and the city|sex on the beach|nude color|nude lipstick|"
          "nude heels|nude shoes|nude nail|nude nails|nude palette|nude tones|nude eyeshadow|naked eye|naked eyes|"
          "naked mole rat|naked mole rats|naked lunch|the naked gun|naked juice|naked truth|naked ambition|"
          "butt joint|butt weld|xxxtentacion|xxx tentacion|hardcore history|hardcore mode|hardcore punk|"
          "hardcore workout|hardcore gamer|hardcore fan|hardcore fans|explicit lyrics|explicit formula|"
          "explicit function|explicit type|explicit cast|explicit conversion|explicit memory|explicit knowledge|"
          "explicit instructions|explicit permission|explicit consent|explicitly)"),
    GUARD_HARASSMENT("(want to|wanna|gonna|going to|let me|lets|can i|could i|will|would|to|love to|like to|need to) "
                     "(fuck|screw|bang) (you|u|ya)"),
    // ===== benign phrases near the harmful ones, for the classifier only (they match nothing) =====
    BENIGN("@youre (so|such a|such an|a|an|the|really|very|truly|the best|-) (great|kind|good|funny|brilliant|generous|"
           "nice|sweet|smart|amazing|awesome|wonderful|beautiful|talented|helpful|lovely|genius|best|clever|patient|"
           "thoughtful|cool|fun|inspiring) (friend|person|writer|teacher|mom|dad|guy|girl|human|listener|cook|artist|"
           "helper|partner|coworker|boss|student|-)"),
    BENIGN("(thank you|thanks|i really appreciate you|i appreciate it|i love you|love you|you rock|you are the best|"
           "youre the best|well done|great job|good job|nice work|you nailed it|you did great)"),
    BENIGN("(how do i|how can i|how to) (put|set|change|reset|recover|remember|store|hash|encrypt|protect|choose|add|"
           "remove|update|manage) @det|- *|- (password|passwords|login|pin|account|email|wifi|phone|computer|files)"),
    BENIGN("(how do i|how can i|how to) (get|help|teach|convince|make) (my|our|the) (toddler|baby|kid|kids|child|"
           "children|son|daughter|teenager|teen) (to sleep|to eat|to read|to study|to listen|to share|to behave|"
           "to brush their teeth|to clean up|to do homework|to stop crying|to focus|to try new food)"),
    BENIGN("(how do i|how can i|how to) (make|bake|cook|build|write|draw|plan|fix|clean|learn|start|grow|find|get|buy|"
           "sell|use|install|define|call|run|test|read|open|print|sort|merge|parse|format|append|split) @det|- *|- "
           "(cake|bread|pizza|soup|website|app|garden|budget|resume|essay|poem|song|table|chair|list|file|string|"
           "array|hash|method|methods|class|object|function|module|program|script|loop|query|shell|process|text|"
           "number|date|report|presentation|business|habit|friends|job|house|car|bike|phone)"),
    BENIGN("(this|that|the|my) (workout|exam|test|traffic|heat|commute|job|week|project|deadline|homework|meeting) "
           "(is going to|is gonna|will|might|is about to|is) (kill|killing|destroy|destroying|murder|murdering) me"),
    BENIGN("(help me|how do i|how to) (write|plan|organize|prepare|practice) @det|- *|- (speech|talk|post|posts|"
           "message|email|review|toast|presentation|surprise|party|wedding|trip|lesson)"),
    GUARD_VIOLENCE("(in|on|for|playing|play|played|while playing|my character in|character in|level in|boss in|"
                   "mission in|quest in) @game"),
    GUARD_VIOLENCE("(boss fight|final boss|npc|npcs|mob|mobs|creeper|creepers|ender dragon|wither|respawn|hp|xp|loot|"
                   "speedrun|hitpoints|hit points|health bar|killstreak|kill streak|kill count|kill death ratio|"
                   "kd ratio|frag|fragged|pvp|pve|raid boss|dungeon|dungeons|my sim|my sims|in game|ingame|"
                   "the enemy team|enemy team|spawn camping|respawning)"),
};

#undef P1
#undef P2
#undef P3
#undef GUARD
#undef GUARD_VIOLENCE
#undef GUARD_HARASSMENT
#undef BENIGN

}  // namespace

std::span<const Phrase> lexicon_phrases() { return kPhrases; }

}  // namespace own::modlex
