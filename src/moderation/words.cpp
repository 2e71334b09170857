// The lexicon's word tables (see phrases.h): the macros the patterns are written with
// (who, intents, objects, groups, ...) and the tags of the npm word-list terms. Words are written
// as moderation_tokens() makes them: lowercase, apostrophes dropped ("youre", "someones"), hyphens
// split ("self harm"); "#minorage" is the token that stands for an age under 18 ("12 year old").
// Moderation needs the words it moderates: this file quotes slurs and obscenities on purpose.
#include "moderation/phrases.h"

#include <initializer_list>
#include <iterator>
#include <vector>

namespace own::modlex {

namespace {

const Macro kMacros[] = {
    // --- who ---
    {"@you", "you, u, ya, yall, you all, you guys, ye, thou"},
    {"@youre", "youre, you are, ur, u r, u are, you r, yer, you were, youve been, you have been, yall are, "
               "you all are, you guys are, you re, thou art, your a, your an, your such a, your such an, your so, "
               "your really, your just, your the, your nothing but, your such"},
    {"@pron", "him, her, them, someone, somebody, anyone, anybody, everyone, everybody, people, ppl, whoever, "
              "this guy, that guy, this dude, that dude, this girl, that girl, this woman, that woman, this man, "
              "that man, this kid, that kid"},
    {"@det", "my, your, his, her, their, our, the, a, an, this, that, these, those, some, all, all the, every, "
             "all of the, all those, all these, one of my, one of the, one of those"},
    {"@human", "neighbor, neighbour, neighbors, neighbours, wife, husband, boss, coworker, coworkers, co worker, "
               "colleague, colleagues, teacher, teachers, classmate, classmates, roommate, ex, ex wife, ex husband, "
               "ex girlfriend, ex boyfriend, girlfriend, boyfriend, mom, mother, dad, father, parents, brother, "
               "sister, son, daughter, family, kid, kids, child, children, baby, babies, man, woman, men, women, "
               "person, guy, guys, girl, girls, boy, boys, cop, cops, police, policeman, officer, president, "
               "senator, politician, judge, landlord, tenant, friend, friends, student, students, customer, "
               "customers, stranger, strangers, witness, victim, victims, crowd, bully, bullies, mailman, cashier, "
               "doctor, nurse, bitch, bastard, asshole, prisoner, prisoners, hostage, hostages, rival, uncle, aunt, "
               "cousin, grandma, grandpa, grandmother, grandfather, partner, spouse, fiance, fiancee, lover, "
               "toddler, infant, pedestrian, pedestrians, jew, jews, muslim, muslims, immigrant, immigrants, gays, "
               "homeless, homeless man, homeless people, ceo, manager, employee, employees, pastor, priest, "
               "stepdad, stepmom, stepfather, stepmother, girlfriends, boyfriends, traitor, traitors, snitch"},
    {"@person", "@pron, @det @human, @det * @human"},
    // whom an insult can be aimed at (not "people", "everyone": those read as general statements)
    {"@person_h", "him, her, them, someone, somebody, this guy, that guy, this dude, that dude, this girl, that girl, "
                  "this woman, that woman, this man, that man, this kid, that kid, he, she, @det @human, "
                  "@det * @human"},
    {"@you_all", "@you, your @human, your * @human, you and your @human"},
    {"@person_poss", "someones, somebodys, his, her, their, other peoples, someone elses, my exs, my ex, my wifes, "
                     "my husbands, my boss, my bosss, my neighbors, my neighbours, my girlfriends, my boyfriends, "
                     "my teachers, my schools, my coworkers, my colleagues, my moms, my dads, my parents, "
                     "my sisters, my brothers, my friends, my roommates, my daughters, my sons, my employers, "
                     "my partners, my exes, a strangers, a companys, the companys, my companys, the schools, "
                     "my classmates, a celebritys, celebrities, a girls, a guys"},
    // --- intent and asking how ---
    {"@will_i", "i will, ill, i shall, im going to, im gonna, i am going to, i am gonna, im about to, i want to, "
                "i wanna, i swear ill, i swear i will, i swear to god ill, i swear to god i will, we will, "
                "were going to, we are going to, were gonna, gonna, going to, i could, i would, id, "
                "i will personally, ill personally, im coming to, im gonna come and, i will come and, "
                "ill come and, ill come to your house and, i will come to your house and, i promise ill, "
                "i promise i will, i am coming to, ima, imma, i plan to, im planning to"},
    {"@intend", "@will_i, lets, we should, we need to, we must, we gotta, i need to, i have to, i wish i could, "
                "i would love to, id love to, i feel like, i cant wait to, help me, i really want to, "
                "i just want to, i think i will, i think ill, i might, i might just"},
    {"@intend_ing", "i fantasize about, i dream about, i dream of, im thinking of, im thinking about, "
                    "i keep thinking about, i cant stop thinking about, i enjoy, i love, i would enjoy, "
                    "i imagine, i keep imagining, i am planning on, im planning on, i plan on"},
    {"@how", "how, how do i, how do you, how can i, how can you, how could i, how would i, how should i, "
             "how would you, how to, how does one, how would one, how can one, how do we, how can we, how would we, "
             "how could we, ways to, way to, best way to, the best way to, easiest way to, the easiest way to, "
             "quickest way to, fastest way to, simplest way to, whats the best way to, what is the best way to, "
             "whats the easiest way to, what is the easiest way to, tell me how to, teach me how to, teach me to, "
             "show me how to, explain how to, help me, can you help me, i need to know how to, "
             "i want to know how to, i want to learn how to, instructions to, instructions for how to, "
             "instructions on how to, steps to, give me steps to, guide to, a guide to, a plan to, plan to, "
             "tips to, tips on how to, tricks to, method to, methods to, is it possible to, "
             "what do i need to, whats the safest way to, the safest way to, safest way to, step by step how to, "
             "give me a plan to, give me instructions to, what would i need to, where can i, where do i, "
             "help me to, can you tell me how to, walk me through how to, explain to me how to"},
    // --- violence ---
    {"@kill", "kill, murder, stab, strangle, slaughter, butcher, behead, decapitate, torture, lynch, rape, kidnap, "
              "abduct, assassinate, bludgeon, dismember, mutilate, suffocate, poison, slit the throat of, "
              "cut the throat of, beat to death, stab to death, shoot, choke, drown, gun down, massacre, "
              "exterminate, knife, burn alive, bury alive, set fire to, set on fire"},
    {"@kill_s", "kills, murders, stabs, strangles, slaughters, butchers, beheads, tortures, lynches, rapes, kidnaps, "
                "abducts, assassinates, poisons, shoots, chokes, drowns, mutilates, dismembers"},
    {"@kill_past", "killed, murdered, stabbed, strangled, slaughtered, butchered, beheaded, decapitated, tortured, "
                   "lynched, raped, kidnapped, abducted, assassinated, bludgeoned, dismembered, mutilated, "
                   "suffocated, poisoned, shot, choked, drowned, beat to death, beaten to death, stabbed to death, "
                   "gunned down, massacred, exterminated, burned alive"},
    {"@kill_ing", "killing, murdering, stabbing, strangling, slaughtering, butchering, beheading, decapitating, "
                  "torturing, lynching, raping, kidnapping, abducting, assassinating, bludgeoning, dismembering, "
                  "mutilating, suffocating, poisoning, shooting, choking, drowning"},
    {"@kill_any", "@kill, @kill_s, @kill_past, @kill_ing"},
    {"@hurt", "hurt, harm, attack, assault, punch, kick, slap, beat up, beat, batter, maim, cripple, injure, wound, "
              "hit, smack, bash, break the legs of, break the arms of, break the neck of, snap the neck of, "
              "pepper spray, tase, jump, fight, ambush, torch, stomp, curb stomp, headbutt, pistol whip"},
    {"@weapon", "gun, a gun, knife, a knife, an axe, axe, a machete, machete, a hammer, hammer, a bat, "
                "a baseball bat, baseball bat, a crowbar, a rifle, rifle, a shotgun, shotgun, a pistol, pistol, "
                "a brick, acid, a bomb, bomb, explosives, a grenade, my bare hands, a chainsaw, a sword, sword"},
    {"@body_part", "face, head, throat, stomach, gut, balls, mouth, teeth, nose, neck, back, heart, leg, legs, "
                   "knee, knees, kneecaps, chest, skull, eye, eyes, ribs, jaw, spine"},
    {"@explosive", "bomb, bombs, pipe bomb, pipe bombs, nail bomb, car bomb, dirty bomb, letter bomb, "
                   "fertilizer bomb, pressure cooker bomb, explosive, explosives, explosive device, ied, ieds, "
                   "molotov, molotov cocktail, molotov cocktails, grenade, grenades, napalm, tnt, c4, semtex, "
                   "detonator, suicide vest, bomb vest, landmine, land mine, homemade explosive, thermite bomb, "
                   "nuclear bomb, nuke, atomic bomb"},
    {"@gun", "gun, guns, ghost gun, ghost guns, untraceable gun, untraceable guns, unregistered gun, zip gun, "
             "silencer, suppressor, machine gun, automatic rifle, assault rifle, ar 15, ar15, auto sear, "
             "bump stock, firearm, firearms, pistol, rifle, shotgun, handgun, weapon, weapons, switchblade, "
             "flamethrower"},
    {"@chemweapon", "poison gas, nerve gas, nerve agent, mustard gas, chlorine gas, sarin, ricin, anthrax, vx, "
                    "tabun, novichok, chemical weapon, chemical weapons, bioweapon, bioweapons, biological weapon, "
                    "biological weapons, toxic gas, a deadly poison, deadly poison, poison, untraceable poison, "
                    "cyanide, botulinum toxin, a poison, a bioweapon, a chemical weapon, a virus to kill"},
    {"@target_place", "school, my school, a school, the school, mall, a mall, the mall, church, a church, "
                      "mosque, a mosque, the mosque, synagogue, a synagogue, the synagogue, concert, a concert, "
                      "stadium, hospital, airport, the airport, subway, train station, parade, office, my office, "
                      "the office, my workplace, a crowd, the crowd, a nightclub, a gay bar, a temple, a festival, "
                      "a police station, the white house, congress, the capitol, a courthouse, a kindergarten, "
                      "a daycare, the government building, a plane, the building, a power plant, city hall"},
    // --- illicit ---
    {"@drug_make", "meth, methamphetamine, crystal meth, cocaine, crack, crack cocaine, heroin, fentanyl, lsd, mdma, "
                   "ecstasy, ketamine, pcp, ghb, dmt, angel dust, illegal drugs, drugs, street drugs, opium, "
                   "krokodil, amphetamine, amphetamines, roofies, rohypnol, date rape drugs, a date rape drug, "
                   "shrooms, psilocybin, hashish, speed pills, synthetic cannabinoids"},
    {"@drug_buy", "@drug_make, weed, marijuana, cannabis, molly, magic mushrooms"},
    {"@drug_rx", "oxy, oxycodone, oxycontin, xanax, adderall, percocet, opioids, painkillers, steroids, pills, "
                 "valium, codeine, morphine, vicodin, ritalin, tramadol"},
    {"@steal_obj", "car, cars, bike, bicycle, wallet, wallets, purse, purses, phone, phones, iphone, laptop, money, "
                   "cash, identity, identities, credit card, credit cards, card details, credit card numbers, bank, "
                   "store, shop, house, jewelry, package, packages, catalytic converter, catalytic converters, tires, "
                   "gas, electricity, cable, someones identity, someones car, someones wallet, someones credit card, "
                   "someones money, someones phone, someones password, from a store, from stores, from walmart, "
                   "from target, from work, from my job, from my employer, from my boss, from my parents, "
                   "from the register, from the cash register, from a shop, from a bank, from the bank, "
                   "from my company, from a charity, from the church, from tourists, from people, from someone, "
                   "a tesla, diamonds, gold, a painting, merchandise, groceries, medication, mail, a package, "
                   "packages from porches, social security numbers, data, trade secrets, a dog, a horse, funds, "
                   "crypto, bitcoin, donations, a baby, a kid, a child"},
    {"@hack_obj", "email, emails, email account, account, accounts, instagram, instagram account, facebook, "
                  "facebook account, snapchat, tiktok, twitter, gmail, icloud, whatsapp, phone, iphone, android, "
                  "computer, laptop, pc, wifi, wifi network, network, server, servers, database, website, site, "
                  "webcam, camera, cameras, texts, messages, dms, bank account, bank, atm, router, school system, "
                  "school database, grades, grading system, security cameras, car, tesla, smart lock, pacemaker, "
                  "power grid, government database, cell phone, voicemail, social media, discord, steam account, "
                  "onlyfans, paypal, venmo, crypto wallet, wallet, files, cloud, google account, apple id, "
                  "netflix account"},
    {"@password", "password, passwords, passcode, pin, pin code, login, logins, credentials, wifi password, 2fa, "
                  "two factor, password hash, password hashes"},
    {"@malware", "ransomware, keylogger, keyloggers, virus, computer virus, malware, trojan, trojan horse, worm, "
                 "computer worm, botnet, rootkit, spyware, stalkerware, remote access trojan, phishing email, "
                 "phishing emails, phishing page, phishing site, phishing website, phishing kit, phishing link, "
                 "phishing text, phishing sms, phishing message, credit card skimmer, card skimmer, skimmer, "
                 "exploit, zero day, zero day exploit, ddos tool, ddos script, ddos attack, sql injection attack, "
                 "password stealer, info stealer, infostealer, crypto drainer, scam website, fake login page, "
                 "fake bank website, scam email, scam text, scam call script, cryptojacker"},
    {"@fake_doc", "passport, passports, id, ids, id card, drivers license, driving license, license, licence, visa, "
                  "diploma, degree, transcript, vaccine card, vaccination card, covid card, birth certificate, "
                  "social security card, ssn, green card, work permit, documents, papers, money, bills, dollars, "
                  "currency, cash, check, checks, cheque, prescription, prescriptions, doctors note, sick note, "
                  "receipt, receipts, invoice, invoices, ticket, tickets, coupon, coupons, reviews, insurance claim, "
                  "id badge, press pass, police badge, signature, signatures, will, deed"},
    {"@fraud", "insurance fraud, credit card fraud, identity theft, wire fraud, tax fraud, bank fraud, "
               "welfare fraud, benefits fraud, mail fraud, securities fraud, fraud, ponzi scheme, a ponzi scheme, "
               "pyramid scheme, a pyramid scheme, scam, a scam, scams, romance scam, a romance scam, phishing scam, "
               "check fraud, mortgage fraud, election fraud, voter fraud, arson, insider trading, embezzlement, "
               "burglary, a burglary, robbery, a robbery, heist, a heist, bank robbery, a bank robbery, carjacking, "
               "a carjacking, hit and run, a hit and run, crime, a crime, crimes, the perfect crime, "
               "a perfect crime, human trafficking, sex trafficking, smuggling, shoplifting, tax evasion, "
               "money laundering, extortion, blackmail, bribery, forgery, counterfeiting, vandalism, "
               "a jailbreak, a prison break, piracy, software piracy, a pump and dump, pump and dump, "
               "market manipulation"},
    {"@place", "house, home, houses, homes, apartment, apartments, flat, car, cars, store, shop, building, office, "
               "school, garage, shed, locker, safe, warehouse, bank, vault, atm, mansion, hotel room, room, "
               "property, vending machine, parking meter, church, museum, pharmacy, jewelry store, gas station, "
               "neighbors house, neighbours house, neighbors apartment, exs house, exs apartment, exs car, "
               "backyard, basement, cabin, truck, van"},
    {"@contraband", "@drug_buy, @gun, knife, knives, a knife, a gun, drugs, people, immigrants, migrants, "
                    "exotic animals, ivory, cigarettes, contraband, a weapon, weapons, explosives, a bomb"},
    // --- self-harm ---
    {"@i_want", "i want to, i wanna, i need to, im going to, im gonna, i am going to, i am gonna, i will, ill, "
                "im about to, im planning to, i plan to, im ready to, i am ready to, i feel like, i just want to, "
                "i want to just, i really want to, i have to, i should, i should just, i might, i might just, "
                "maybe i should, i deserve to, i decided to, ive decided to, i have decided to, tonight i will, "
                "tonight ill, time to, i wish i could, i wish i had the courage to, i cant stop wanting to, "
                "i keep wanting to, i tried to, i swear ill, i think ill, i think i will, i think i should, "
                "i want to finally, i finally want to, nobody can stop me from, im trying to, i am trying to"},
    {"@i_want_die", "i want to, i wanna, i just want to, i really want to, i need to, i deserve to, i should, "
                    "i should just, i am ready to, im ready to, i want to just, i just wanna, i wish i could, "
                    "i would like to, id like to, i kinda want to, part of me wants to, sometimes i want to, "
                    "i often want to, i still want to, i want to finally, let me, i hope i, i pray i, i just wish i could"},
    {"@i_want_ing", "thinking about, thinking of, think about, i think about, considering, im considering, "
                    "planning on, im, i am, ive been, i have been, i keep, i cant stop, i started, i start, "
                    "i was, i been, i keep thinking about, i cant stop thinking about, ive been thinking about, "
                    "i have been thinking about, i dream about, i fantasize about, i feel like, feel like, "
                    "i am considering, im planning on, i am planning on"},
    {"@sh_verb", "kill, hurt, cut, harm, end, burn, starve, drown, hang, shoot, poison, suffocate, off, stab, slit, "
                 "punish, destroy, strangle, choke"},
    {"@sh_verb_ing", "killing, hurting, cutting, harming, ending, burning, starving, hanging, shooting, poisoning, "
                     "offing, stabbing, slitting, punishing, strangling, choking"},
    {"@sh_obj", "myself, my self, my life, my own life, it all, my wrists, my wrist, my arms, my arm, my legs, "
                "my thighs, my skin"},
    {"@sh_np", "suicide, self harm, selfharm, cutting, cutting yourself, killing yourself, starving yourself, "
               "cutting myself, starving, anorexia, self injury, ending your life, ending it all"},
    {"@pills", "pills, tablets, sleeping pills, tylenol, paracetamol, acetaminophen, aspirin, ibuprofen, insulin, "
               "xanax, antidepressants, benadryl, melatonin, painkillers, oxycodone, opioids, sleeping tablets, "
               "of my pills, of my meds, meds, advil, percocet, ambien, of these pills, of them"},
    // --- hate ---
    {"@group", "jews, jewish people, the jews, muslims, blacks, black people, whites, white people, gays, "
               "gay people, lesbians, homosexuals, trans people, transgender people, trannies, immigrants, "
               "illegals, illegal immigrants, mexicans, asians, chinese people, japanese people, indian people, "
               "arabs, indians, hindus, christians, catholics, refugees, africans, latinos, hispanics, gypsies, "
               "roma, disabled people, the disabled, retards, women, females, feminists, atheists, sikhs, koreans, "
               "foreigners, migrants, minorities, niggers, kikes, spics, chinks, fags, faggots, towelheads, "
               "ragheads, wetbacks, beaners, pakis, queers, muzzies, mormons, buddhists, pakistanis, somalis, "
               "haitians, nigerians, palestinians, israelis, syrians, afghans, iranians, the blacks, the gays, "
               "the muslims, the mexicans, the immigrants, black men, black women, asian people, arab people, "
               "gay men, trans women, trans men, bisexuals, lgbt people, lgbtq people, indigenous people, natives, "
               "aboriginals, native americans, poor people, fat people, old people, autistic people"},
    {"@group_s", "jew, muslim, black, black person, white person, gay, homosexual, immigrant, mexican, asian, "
                 "arab, indian, hindu, christian, refugee, african, gypsy, woman, female, feminist, atheist, "
                 "foreigner, migrant, nigger, kike, spic, chink, fag, faggot, towelhead, raghead, wetback, beaner, "
                 "paki, tranny, trans person, transgender person, queer, lesbian"},
    {"@hate_pred", "animals, vermin, subhuman, sub human, subhumans, inferior, parasites, rats, cockroaches, roaches, "
                   "a disease, a cancer, a plague, filth, filthy, dirty, savages, savage, evil, scum, trash, "
                   "garbage, pigs, dogs, apes, monkeys, stupid, dumb, lazy, greedy, criminals, rapists, terrorists, "
                   "pedophiles, disgusting, worthless, less than human, not human, not people, a virus, "
                   "an infestation, invaders, the enemy, the problem, ruining everything, ruining this country, "
                   "destroying our country, destroying this country, genetically inferior, an inferior race, "
                   "a lower race, mentally ill, an abomination, abominations, degenerates, degenerate, freaks, "
                   "unnatural, retarded, thieves, liars, leeches, a burden, useless, smelly, all the same, "
                   "barbaric, barbarians, primitive, uncivilized, demons, snakes, stinking"},
    {"@hate_deny", "deserve rights, deserve to live, deserve respect, deserve equal rights, have rights, "
                   "be allowed to vote, be allowed to exist, be allowed to marry, be allowed in, be trusted, exist, "
                   "breed, be citizens, be allowed to work, be allowed to have kids, have children, "
                   "be allowed to adopt, be allowed to teach, belong here, be treated like humans, "
                   "be treated as humans, count as people"},
    {"@hate_modal", "should, must, need to, deserve to, have to, ought to, should all, must all, all deserve to, "
                    "all need to, all should, all must, should just, needs to, deserves to, shall all, "
                    "should be made to, should be forced to, all ought to"},
    {"@hate_fate", "die, be killed, be exterminated, be gassed, be shot, be hanged, be hung, be lynched, "
                   "be burned, be burnt, burn, hang, be wiped out, be eliminated, be purged, be slaughtered, "
                   "be put down, be sterilized, be executed, be beaten, be murdered, be destroyed, be wiped off, "
                   "be eradicated, be cleansed, be put in camps, be put in gas chambers, be tortured, "
                   "be raped, go to the gas chambers, hang from trees, rot in hell"},
    {"@racist_adj", "racist, sexist, homophobic, antisemitic, anti semitic, transphobic, bigoted, islamophobic, "
                    "xenophobic, misogynist, misogynistic, hateful, nazi, white supremacist, racially insensitive"},
    {"@hate_content", "joke, jokes, slur, slurs, insult, insults, rant, meme, memes, song, poem, essay, speech, "
                      "post, posts, tweet, tweets, chant, chants, propaganda, story, comment, comments, names, "
                      "nickname, nicknames, message, manifesto, pamphlet, flyer, flyers, cartoon, limerick, "
                      "roast, stereotypes, caricature, things to say, remarks"},
    {"@holy_place", "mosque, mosques, synagogue, synagogues, church, churches, temple, temples, gurdwara, gay bar, "
                    "gay club, pride parade, pride march, black church, jewish school, islamic center"},
    // --- sexual ---
    {"@sx_strong", "sex, sexual, erotic, explicit, porn, porno, pornographic, smutty, smut, nsfw, lewd, xxx, "
                   "x rated, raunchy, sexually explicit, graphic sex, graphic sexual, explicit sex, "
                   "explicit sexual, dirty sex, kinky sex, bdsm, fetish, hentai, nude, naked, masturbation, "
                   "orgasm, orgy, threesome"},
    {"@sx_mild", "dirty, naughty, steamy, sexy, spicy, filthy, racy, risque, sensual, intimate, horny, kinky, "
                 "adult, r rated, mature, seductive, provocative"},
    {"@sx_content", "story, stories, scene, scenes, fantasy, fantasies, fanfic, fan fiction, fanfiction, roleplay, "
                    "role play, rp, poem, poems, chat, description, descriptions, dialogue, novel, script, letter, "
                    "message, messages, passage, chapter, pictures, pics, images, photos, videos, video, image, "
                    "picture, photo, material, talk, conversation, sexting, selfie, selfies, movie, movies, film, "
                    "clip, clips, content, encounter, act, acts, play, session, novella, scenario, confession, "
                    "texts, gif, gifs"},
    {"@want_to", "i want to, i wanna, id love to, i would love to, i need to, let me, im going to, im gonna, "
                 "i will, ill, i cant wait to, can i, could i, lets, want to, wanna, i would, id, i really want to, "
                 "i just want to, i am going to, may i, allow me to, im dying to, i would like to, id like to"},
    {"@sex_verb", "fuck, screw, bang, ride, suck, lick, finger, eat out, undress, strip, grope, fondle, "
                  "cum on, cum in, jerk off to, go down on, have sex with, make love to, sleep with, hook up with, "
                  "bone, shag, molest, fuck the shit out of"},
    // --- minors ---
    {"@minor", "child, children, kid, kids, minor, minors, underage, under age, preteen, pre teen, preteens, "
               "toddler, toddlers, infant, baby, little girl, little girls, little boy, little boys, young girl, "
               "young girls, young boy, young boys, schoolgirl, schoolgirls, schoolboy, schoolboys, school girl, "
               "school boy, middle schooler, middle schoolers, grade schooler, elementary schooler, teenage girl, "
               "teenage boy, teen girl, teen boy, teen, teens, teenager, teenagers, teenage, girl under 18, "
               "boy under 18, #minorage, #minorage year, #minorage years, #minorage year old, #minorage years old, "
               "#minorage yr old, #minorage yrs old, #minorage yo, #minorage year olds, #minorage y o, loli, lolis, "
               "shota, jailbait, high schooler, high schoolers, high school girl, high school girls, 8th grader, "
               "7th grader, 6th grader, 5th grader, 9th grader, sixth grader, seventh grader, eighth grader, "
               "my niece, my nephew, my stepdaughter, my step daughter, my stepson, a girl scout, a boy scout, "
               "childs, pupil, pupils, students in my class"},
    {"@sexual_w", "sex, sexual, sexually, sexy, nudes, nude pics, nude photos, nude pictures, naked pics, "
                  "naked pictures, naked photos, erotic, explicit, porn, porno, pornographic, lewd, nsfw, xxx, "
                  "molest, molesting, molested, rape, raping, raped, grope, groping, groped, fondle, fondling, "
                  "fondled, seduce, seducing, seduced, orgasm, masturbate, masturbating, horny, smut, smutty, "
                  "dirty pictures, dirty photos, aroused, arousing, hot and sexy, bikini pics, blowjob, handjob, "
                  "cum, intercourse, have sex, had sex, having sex, make love, making love, molestation, "
                  "pedophilia, erotica, undress, strip naked, in lingerie, lingerie pics"},
    {"@sexual_weak", "naked, nude, topless, undressed, without clothes, in their underwear, in her underwear, "
                     "in his underwear, with no clothes, no clothes on"},
    // --- graphic violence ---
    {"@gore_strong", "dismember, dismembered, dismembering, dismemberment, disembowel, disemboweled, "
                     "disembowelled, disemboweling, disembowelment, decapitate, decapitated, decapitation, "
                     "eviscerate, eviscerated, evisceration, flay, flayed, flaying, skinned alive, burned alive, "
                     "burnt alive, buried alive, intestines spilling, intestines spilled, guts spilling, "
                     "guts spilled, spilling guts, spilling intestines, brains splattered, brains blown out, "
                     "brains splattering, severed head, severed heads, severed limbs, severed arm, severed leg, "
                     "torn limb from limb, limb from limb, blood spraying, blood gushing, blood spurting, "
                     "gushing blood, spurting blood, chunks of flesh, flesh tearing, tearing flesh, flesh ripped, "
                     "bones crunching, bones snapping, bones breaking, eyes gouged, gouged out, skull crushed, "
                     "crushed skull, bloody pulp, beaten to a pulp, entrails, innards spilling, ripped open, "
                     "sliced open, organs spilling, organs everywhere, blood everywhere, "
                     "maggots crawling, rotting flesh, melting flesh, skin peeling off, skin melting, "
                     "head exploding, head exploded, jaw ripped off, face ripped off, teeth knocked out, "
                     "impaled through, exposed bone, bone sticking out, mangled body, mangled bodies, "
                     "mangled corpse, decomposing body, decomposing bodies, splattered brains"},
    {"@gore_weak", "gore, gory, gruesome, grisly, corpse, corpses, mangled, impaled, torn apart, ripped apart, "
                   "body parts, blood and guts, bloodbath, blood bath, carnage, butchered, mutilated, beheading, "
                   "beheaded, splattered, guts, intestines, bloody mess, massacre"},
    {"@gore_adj", "gory, gruesome, grisly, bloody, goriest, sickening, horrific, visceral, most gruesome, "
                  "stomach churning, most graphic, extremely graphic, very graphic, super graphic, "
                  "graphically violent, violently graphic"},
    {"@describe", "describe, write, depict, show, narrate, explain, tell, detail, portray, paint, draw, give me, "
                  "tell me, write me, describe to me, imagine, render, illustrate, generate, create"},
    // --- benign look-alikes (guards) ---
    {"@proc", "process, processes, proc, pid, pids, thread, threads, task, tasks, job, jobs, program, programs, "
              "app, apps, application, applications, service, services, daemon, daemons, server, servers, "
              "session, sessions, container, containers, pod, pods, query, queries, connection, connections, tab, "
              "tabs, window, windows, instance, instances, worker, workers, script, scripts, command, commands, "
              "loop, loops, request, requests, transaction, transactions, build, builds, pipeline, pipelines, "
              "vm, vms, terminal, shell, kernel, signal, port, docker, python, java, node, chrome, firefox, "
              "browser, emulator, cron, child process, zombie process, zombie processes, orphan process"},
    {"@game", "minecraft, fortnite, roblox, skyrim, elden ring, dark souls, zelda, pokemon, gta, gta 5, gta v, "
              "call of duty, cod, halo, doom, valorant, league of legends, dota, overwatch, apex legends, "
              "the game, this game, my game, a game, video game, videogame, videogames, video games, chess, dnd, "
              "d d, dungeons and dragons, the sims, sims, terraria, stardew, among us, counter strike, csgo, pubg, "
              "the witcher, diablo, hades, hollow knight, mario, baldurs gate, an rpg, rpg, "
              "mmo, clash of clans, battlefield, rainbow six, world of warcraft, runescape, "
              "monster hunter, sekiro, bloodborne, resident evil, the last of us, red dead, cyberpunk, "
              "assassins creed, god of war, tekken, street fighter, smash bros, my campaign, the campaign, "
              "a campaign, paintball, laser tag, nerf, airsoft, werewolf, mafia game, the board game, "
              "a board game, my board game, the video game, a video game, fifa, madden"},
    {"@sport", "chess, checkers, tennis, basketball, football, soccer, poker, cards, a race, the race, games, "
               "arm wrestling, mario kart, smash, fifa, trivia, scrabble, monopoly, math, ping pong, golf, bowling, "
               "pool, darts, the debate, a debate, debate, court, the finals, the tournament, rock paper scissors, "
               "a game of, the game, this game, a game, video games, volleyball, baseball, hockey, running, "
               "a fight in the game, boxing, the competition, sales, the election, the polls, an argument"},
};

// Macros built from word lists above, used by the insult patterns
const Macro kInsultMacros[] = {
    {"@insult_n", "idiot, idiots, moron, morons, imbecile, cretin, loser, losers, failure, waste of space, "
                  "waste of oxygen, waste of air, piece of shit, piece of trash, piece of garbage, scum, scumbag, "
                  "trash, garbage, pig, clown, freak, creep, weirdo, dumbass, dipshit, jackass, retard, degenerate, "
                  "parasite, leech, disgrace, embarrassment, fatso, fatass, lardass, slob, skank, hoe, ho, whore, "
                  "slut, bitch, cunt, twat, prick, dick, dickhead, asshole, bastard, motherfucker, fucker, wanker, "
                  "tosser, douche, douchebag, jerk, bimbo, airhead, bozo, dunce, dimwit, halfwit, nitwit, numbskull, "
                  "knucklehead, buffoon, ignoramus, simpleton, peasant, psycho, lunatic, maniac, subhuman, "
                  "worm, vermin, rat, snake, pervert, perv, creep, incel, simp, cuck, neckbeard, karen, "
                  "gold digger, hag, witch, cow, whale, beast, troll, nerd, geek, loser"},
    {"@insult_a", "stupid, dumb, ugly, fat, worthless, useless, pathetic, disgusting, gross, retarded, brainless, "
                  "clueless, incompetent, hopeless, ignorant, annoying, repulsive, hideous, vile, revolting, "
                  "moronic, idiotic, dense, braindead, brain dead, trash, garbage, a joke, a failure, a waste, "
                  "a loser, a disgrace, an embarrassment, a mistake, a nobody, unlovable, a burden, a creep, "
                  "a freak, a pervert, an idiot, a moron, an imbecile, scum, filth, subhuman, a parasite, "
                  "fat and ugly, ugly and fat, so ugly, a fat pig, a pig, a cow, trash, pathetic, a psycho, "
                  "mentally ill, mentally retarded, a retard, deformed, gross looking, unwanted, unloved"},
    {"@insult_bare", "stupid, dumb, ugly, fat, worthless, useless, pathetic, disgusting, little, fucking, fuckin, "
                     "filthy, dirty, lazy, retarded, brainless, miserable, sorry, smelly, absolute, complete, total, "
                     "fat ugly, stupid little, dumb little, ugly little, pathetic little, piece of, big, freaking, "
                     "goddamn, damn, bloody, stupid fucking, dumb fucking, fucking stupid, ignorant, incompetent, "
                     "disgusting little, sad, sick, twisted, psycho, crazy, insane, braindead"},
    {"@intens", "so, such, really, very, truly, completely, totally, absolutely, fucking, fuckin, freaking, effing, "
                "damn, goddamn, bloody, just, literally, a, an, the, the most, such a, such an, a complete, a total, "
                "an absolute, a fucking, a freaking, a real, the biggest, nothing but, a little, a stupid, a dumb, "
                "an ugly, a fat, a worthless, a pathetic, a disgusting, the dumbest, the stupidest, the ugliest, "
                "the worst, a useless, one ugly, one stupid, always, still, honestly, seriously, being, being a, "
                "acting like a, acting like, like a, such a fucking, a giant, a huge, an ugly fat, a fat ugly, "
                "an annoying, a lazy, a filthy, a dirty, a sick, a twisted, a sad, a sorry, a miserable"},
};

// Explicit tags for terms of the npm lists (the rest: default_term_tag)
using K = TermKind;
const TermTag kTags[] = {
    // too ambiguous to score alone
    {"god", K::ignore, 0}, {"hell", K::ignore, 0}, {"pawn", K::ignore, 0}, {"cox", K::ignore, 0},
    {"bloody", K::ignore, 0}, {"bum", K::ignore, 0}, {"butt", K::ignore, 0}, {"balls", K::ignore, 0},
    {"knob", K::ignore, 0}, {"nob", K::ignore, 0}, {"flange", K::ignore, 0}, {"wang", K::ignore, 0},
    {"willy", K::ignore, 0}, {"willies", K::ignore, 0}, {"muff", K::ignore, 0}, {"muther", K::ignore, 0},
    {"mutha", K::ignore, 0}, {"lust", K::ignore, 0}, {"lusting", K::ignore, 0}, {"domination", K::ignore, 0},
    {"escort", K::ignore, 0}, {"xx", K::ignore, 0}, {"voyeur", K::ignore, 0}, {"tied up", K::ignore, 0},
    {"taste my", K::ignore, 0}, {"tongue in a", K::ignore, 0}, {"girl on", K::ignore, 0},
    {"big black", K::ignore, 0}, {"hard core", K::ignore, 0}, {"hardcore", K::ignore, 0},
    {"suicide girls", K::ignore, 0}, {"viagra", K::ignore, 0}, {"cialis", K::ignore, 0}, {"v14gra", K::ignore, 0},
    {"v1gra", K::ignore, 0}, {"cyalis", K::ignore, 0}, {"playboy", K::ignore, 0}, {"eunuch", K::ignore, 0},
    {"poop", K::ignore, 0}, {"goodpoop", K::ignore, 0}, {"dink", K::ignore, 0}, {"dinks", K::ignore, 0},
    {"teez", K::ignore, 0}, {"teets", K::ignore, 0}, {"cipa", K::ignore, 0}, {"hoar", K::ignore, 0},
    {"hoer", K::ignore, 0}, {"hore", K::ignore, 0}, {"doggin", K::ignore, 0}, {"dogging", K::ignore, 0},
    {"dirsa", K::ignore, 0}, {"kondum", K::ignore, 0}, {"kondums", K::ignore, 0}, {"bugger", K::ignore, 0},
    {"damn", K::ignore, 0}, {"scat", K::ignore, 0}, {"suck", K::ignore, 0}, {"sucks", K::ignore, 0},
    {"snatch", K::ignore, 0}, {"screwing", K::ignore, 0}, {"twinkie", K::ignore, 0}, {"jelly donut", K::ignore, 0},
    {"huge fat", K::ignore, 0}, {"tight white", K::ignore, 0}, {"tainted love", K::ignore, 0},
    {"santorum", K::ignore, 0}, {"cornhole", K::ignore, 0}, {"fecal", K::ignore, 0}, {"bastinado", K::ignore, 0},
    {"strappado", K::ignore, 0}, {"how to kill", K::ignore, 0}, {"how to murder", K::ignore, 0},
    {"rectum", K::ignore, 0}, {"s&m", K::ignore, 0}, {"w00se", K::ignore, 0}, {"asses", K::ignore, 0},
    {"god damn", K::ignore, 0}, {"goddamn", K::ignore, 0}, {"goddamned", K::ignore, 0}, {"god-dam", K::ignore, 0},
    {"god-damned", K::ignore, 0}, {"pissed", K::ignore, 0}, {"fucking", K::ignore, 0}, {"fuckin", K::ignore, 0},
    {"fucked", K::ignore, 0}, {"fuckings", K::ignore, 0}, {"shitty", K::ignore, 0}, {"bitchin", K::ignore, 0},
    {"mothafuckin", K::ignore, 0}, {"mothafucking", K::ignore, 0}, {"motherfuckin", K::ignore, 0},
    {"motherfucking", K::ignore, 0}, {"fukkin", K::ignore, 0}, {"phuking", K::ignore, 0},
    {"phukking", K::ignore, 0}, {"fcuking", K::ignore, 0}, {"hot chick", K::ignore, 0},
    {"sultry women", K::ignore, 0}, {"jap", K::ignore, 0}, {"pecker", K::ignore, 0}, {"fanny", K::ignore, 0},
    {"spunk", K::ignore, 0}, {"shrimping", K::ignore, 0}, {"snowballing", K::ignore, 0},
    {"masochist", K::ignore, 0}, {"sadist", K::ignore, 0}, {"bestial", K::ignore, 0}, {"sexuality", K::ignore, 0},
    {"cum", K::sexual, .6f}, {"kum", K::ignore, 0}, {"cok", K::ignore, 0}, {"tit", K::ignore, 0},
    {"strap on", K::ignore, 0}, {"mound of venus", K::sexual, .5f}, {"venus mound", K::sexual, .5f},
    // weak sexual: anatomy, nudity, words of sex education
    {"sex", K::sexual, .4f}, {"sexual", K::sexual, .3f}, {"sexually", K::sexual, .3f}, {"sexy", K::sexual, .45f},
    {"intercourse", K::sexual, .45f}, {"genitals", K::sexual, .4f}, {"penis", K::sexual, .4f},
    {"vagina", K::sexual, .4f}, {"vulva", K::sexual, .4f}, {"clitoris", K::sexual, .5f}, {"breasts", K::sexual, .3f},
    {"big breasts", K::sexual, .6f}, {"nipple", K::sexual, .4f}, {"nipples", K::sexual, .45f},
    {"boob", K::sexual, .5f}, {"boobs", K::sexual, .6f}, {"nude", K::sexual, .5f}, {"nudity", K::sexual, .45f},
    {"erotic", K::sexual, .6f}, {"erotism", K::sexual, .6f}, {"homoerotic", K::sexual, .6f},
    {"horny", K::sexual, .6f}, {"horniest", K::sexual, .6f}, {"orgasm", K::sexual, .6f},
    {"orgasms", K::sexual, .6f}, {"ejaculation", K::sexual, .5f}, {"semen", K::sexual, .4f},
    {"pubes", K::sexual, .5f}, {"pube", K::sexual, .5f}, {"labia", K::sexual, .4f}, {"testicle", K::sexual, .3f},
    {"testical", K::sexual, .3f}, {"scrotum", K::sexual, .3f}, {"smegma", K::sexual, .45f},
    {"anus", K::sexual, .3f}, {"anal", K::sexual, .6f}, {"sadism", K::sexual, .35f}, {"bdsm", K::sexual, .7f},
    {"bondage", K::sexual, .5f}, {"kinky", K::sexual, .5f}, {"kinkster", K::sexual, .6f},
    {"nymphomania", K::sexual, .6f}, {"nimphomania", K::sexual, .6f}, {"bareback", K::sexual, .45f},
    {"busty", K::sexual, .6f}, {"camel toe", K::sexual, .6f}, {"panties", K::sexual, .5f},
    {"panty", K::sexual, .5f}, {"undressing", K::sexual, .4f}, {"lovemaking", K::sexual, .55f},
    {"twink", K::sexual, .45f}, {"swinger", K::sexual, .5f}, {"strip club", K::sexual, .5f},
    {"topless", K::sexual, .5f}, {"nsfw", K::sexual, .6f}, {"vibrator", K::sexual, .55f},
    {"missionary position", K::sexual, .55f}, {"wet dream", K::sexual, .55f}, {"fingering", K::sexual, .4f},
    {"rape", K::sexual, .6f}, {"raping", K::sexual, .6f}, {"rapist", K::sexual, .5f}, {"grope", K::sexual, .6f},
    {"humping", K::sexual, .6f}, {"incest", K::sexual, .7f}, {"lolita", K::minor, .4f},
    {"paedophile", K::minor, .4f}, {"pedophile", K::minor, .4f}, {"jailbait", K::minor, .85f},
    {"pthc", K::minor, .9f}, {"shota", K::minor, .7f}, {"pedobear", K::minor, .6f}, {"nambla", K::minor, .6f},
    {"figging", K::sexual, .45f}, {"spread legs", K::sexual, .6f}, {"hooker", K::insult, .5f},
    {"yaoi", K::sexual, .6f}, {"ecchi", K::sexual, .7f}, {"tushy", K::sexual, .5f}, {"bunghole", K::sexual, .5f},
    {"bung hole", K::sexual, .5f}, {"buttcheeks", K::sexual, .5f}, {"shibari", K::sexual, .6f},
    {"leather restraint", K::sexual, .5f}, {"leather straight jacket", K::sexual, .5f},
    {"sexo", K::sexual, .5f}, {"buceta", K::sexual, .6f}, {"boiolas", K::sexual, .5f}, {"shag", K::sexual, .45f},
    {"cawk", K::sexual, .45f}, {"kawk", K::sexual, .45f}, {"kock", K::sexual, .45f},
    // nouns that insult when aimed at someone (also sexual)
    {"whore", K::insult, .7f}, {"slut", K::insult, .7f}, {"sluts", K::insult, .7f}, {"skank", K::insult, .5f},
    {"dick", K::insult, .45f}, {"d1ck", K::insult, .5f}, {"dlck", K::insult, .5f}, {"cock", K::insult, .45f},
    {"cocks", K::insult, .5f}, {"pussy", K::insult, .6f}, {"pussies", K::insult, .6f}, {"pussys", K::insult, .6f},
    {"ass", K::insult, .3f}, {"arse", K::insult, .3f}, {"a55", K::insult, .3f}, {"butthole", K::insult, .6f},
    {"assmunch", K::insult, .6f}, {"boner", K::insult, .6f}, {"twat", K::insult, .5f},
    // profanity: nothing alone, an insult when aimed
    {"bastard", K::profanity, 0}, {"bastardo", K::profanity, 0}, {"arsehole", K::profanity, 0},
    {"asshole", K::profanity, 0}, {"assholes", K::profanity, 0}, {"asswhole", K::profanity, 0},
    {"fatass", K::profanity, 0}, {"numbnuts", K::profanity, 0}, {"doosh", K::profanity, 0},
    {"duche", K::profanity, 0}, {"prick", K::profanity, 0}, {"pricks", K::profanity, 0},
    {"dickhead", K::profanity, 0}, {"tosser", K::profanity, 0}, {"wanker", K::profanity, 0},
    {"knobhead", K::profanity, 0}, {"knobend", K::profanity, 0}, {"knobead", K::profanity, 0},
    {"knobed", K::profanity, 0}, {"nobhead", K::profanity, 0}, {"bellend", K::profanity, 0},
    {"bollock", K::profanity, 0}, {"bollok", K::profanity, 0}, {"bollocks", K::profanity, 0},
    {"piss", K::profanity, 0}, {"pisser", K::profanity, 0}, {"pissers", K::profanity, 0},
    {"pisses", K::profanity, 0}, {"pissflaps", K::profanity, 0}, {"pissin", K::profanity, 0},
    {"pissoff", K::profanity, 0}, {"crap", K::profanity, 0}, {"turd", K::profanity, 0}, {"feck", K::profanity, 0},
    {"fecker", K::profanity, 0}, {"scroat", K::profanity, 0}, {"scrote", K::profanity, 0},
    {"apeshit", K::profanity, 0}, {"bullshit", K::profanity, 0}, {"piece of shit", K::profanity, 0},
    {"s.o.b.", K::profanity, 0}, {"son-of-a-bitch", K::profanity, 0}, {"m0f0", K::profanity, 0},
    {"m0fo", K::profanity, 0}, {"mof0", K::profanity, 0}, {"mofo", K::profanity, 0}, {"mo-fo", K::profanity, 0},
    {"muthafecker", K::profanity, 0}, {"tosser", K::profanity, 0}, {"cunt", K::profanity, 0},
    {"cunts", K::profanity, 0}, {"cnut", K::profanity, 0}, {"twunt", K::profanity, 0}, {"twunter", K::profanity, 0},
    {"twathead", K::profanity, 0}, {"twatty", K::profanity, 0}, {"tw4t", K::profanity, 0},
    {"wank", K::profanity, 0}, {"wanky", K::profanity, 0}, {"\xF0\x9F\x96\x95", K::profanity, 0},
    // ableist slurs
    {"retard", K::ableist, .45f}, {"spastic", K::ableist, .4f}, {"spac", K::ableist, .4f}, {"mong", K::ableist, .4f},
    // slurs (hate)
    {"nigger", K::slur, .9f}, {"niggers", K::slur, .9f}, {"nigga", K::slur, .7f}, {"niggas", K::slur, .7f},
    {"niggaz", K::slur, .7f}, {"niggah", K::slur, .7f}, {"nig nog", K::slur, .85f}, {"kike", K::slur, .9f},
    {"spic", K::slur, .8f}, {"chink", K::slur, .55f}, {"coon", K::slur, .45f}, {"coons", K::slur, .45f},
    {"beaner", K::slur, .8f}, {"beaners", K::slur, .8f}, {"wetback", K::slur, .9f}, {"towelhead", K::slur, .85f},
    {"raghead", K::slur, .85f}, {"slanteye", K::slur, .85f}, {"jigaboo", K::slur, .9f}, {"jiggaboo", K::slur, .9f},
    {"jiggerboo", K::slur, .9f}, {"darkie", K::slur, .8f}, {"paki", K::slur, .8f}, {"pikey", K::slur, .7f},
    {"honkey", K::slur, .7f}, {"fag", K::slur, .85f}, {"fags", K::slur, .85f}, {"faggot", K::slur, .9f},
    {"fagot", K::slur, .9f}, {"fagots", K::slur, .9f}, {"faggitt", K::slur, .9f}, {"faggs", K::slur, .85f},
    {"fagging", K::slur, .6f}, {"dyke", K::slur, .7f}, {"bulldyke", K::slur, .7f}, {"gaylord", K::slur, .6f},
    {"tranny", K::slur, .8f}, {"shemale", K::slur, .6f}, {"heshe", K::slur, .6f}, {"homo", K::slur, .5f},
    {"negro", K::slur, .5f}, {"fudge packer", K::slur, .8f}, {"fudgepacker", K::slur, .8f},
    {"carpet muncher", K::slur, .8f}, {"carpetmuncher", K::slur, .8f},
    // hate symbols and slogans
    {"nazi", K::hate, .4f}, {"neonazi", K::hate, .5f}, {"swastika", K::hate, .45f}, {"white power", K::hate, .85f},
};

}  // namespace

std::span<const Macro> lexicon_macros() {
  static const std::vector<Macro> all = [] {
    std::vector<Macro> v(std::begin(kMacros), std::end(kMacros));
    v.insert(v.end(), std::begin(kInsultMacros), std::end(kInsultMacros));
    return v;
  }();
  return all;
}

std::span<const TermTag> lexicon_term_tags() { return kTags; }

TermTag default_term_tag(std::string_view t) {
  auto has = [&](std::initializer_list<const char*> parts) {
    for (const char* p : parts)
      if (t.find(p) != std::string_view::npos) return true;
    return false;
  };
  if (has({"nigg", "n1gg"})) return {nullptr, K::slur, .9f};
  if (has({"fag"})) return {nullptr, K::slur, .85f};
  if (has({"fuck", "fuk", "phuk", "phuck", "phuq", "fcuk", "fook", "fux", "f u c k", "f_u_c_k"})) {
    if (has({"fist", "finger", "tit", "cyber", "penis", "dog", "pig", "bunny", "fanny", "ass", "cock", "tittie"}))
      return {nullptr, K::insult, .8f};
    return {nullptr, K::profanity, 0};
  }
  if (has({"shit", "sh1t", "5h1t", "5hit", "sh!t", "shi+", "sh!+", "s hit", "s_h_i_t"})) return {nullptr, K::profanity, 0};
  if (has({"bitch", "b1tch", "b!tch", "bi+ch", "b17ch", "biatch", "l3itch", "l3i+ch"})) return {nullptr, K::profanity, 0};
  if (has({"cunt", "twat", "wank", "knob", "nob ", "nobj"})) return {nullptr, K::profanity, 0};
  if (has({"cock", "c0ck", "cok"})) return {nullptr, K::insult, .8f};
  if (has({"porn", "p0rn", "pron"})) return {nullptr, K::sexual, .8f};
  if (has({"masturbat", "masterbat", "m45terbate", "ma5terb8", "masterb8", "ma5terbate", "master-bate"}))
    return {nullptr, K::sexual, .7f};
  if (has({"cum", "jizz", "jism", "jizm", "jiz"})) return {nullptr, K::sexual, .7f};
  return {nullptr, K::sexual, .8f};
}

}  // namespace own::modlex
