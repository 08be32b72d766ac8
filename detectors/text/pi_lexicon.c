/* Multilingual prompt-injection lexicon (pi_lexicon.h). The phrases are grouped by
 * language and concept; ';' separates phrases. Written from the attack families of
 * OWASP LLM01 and the jailbreak taxonomy of Shen et al. (CCS 2024, "Do Anything Now"),
 * translated by hand; verbs are listed in the imperative and infinitive forms a request
 * uses. */
#include "text/pi_lexicon.h"
#include "text/normalise.h"

#include <stdlib.h>
#include <string.h>

enum { L_EN, L_FR, L_DE, L_ES, L_IT, L_PT, L_NL, L_RU, L_PL, L_TR, L_ZH, L_JA, L__N };
static const char *const lang_names[L__N] = { "en", "fr", "de", "es", "it", "pt", "nl", "ru",
                                              "pl", "tr", "zh", "ja" };

struct group {
    uint8_t lang, cls;
    const char *phrases;
};

static const struct group groups[] = {
    /* ---- English ---- */
    { L_EN, PI_OVERRIDE, "ignore;ignoring;disregard;disregarding;forget;forgetting;bypass;override;"
      "overrule;overlook;neglect;discard;abandon;nullify;"
      "supersede;suspend;deactivate;disable;turn off;switch off;set aside;put aside;throw out;"
      "throw away;pay no attention to;pay no heed to;do not follow;don t follow;dont follow;"
      "stop following;no longer follow;do not obey;stop obeying;do not adhere to;"
      "free yourself from;break free of;break free from;step outside;get rid of;"
      "circumvent;unlearn;leave behind;aside;shelve;no longer bound by;are no longer bound by;"
      "not bound by;release yourself from;freed from;are free from;stop obeying;stop adhering to" },
    { L_EN, PI_WEAK, "drop;scrap;erase;wipe;cancel;void;skip;omit;lift;remove;delete;reset;"
      "clear;act without;operate without" },
    { L_EN, PI_VOID, "suspended;disabled;deactivated;revoked;lifted;void;null and void;"
      "deprecated;cancelled;canceled;overridden;no longer apply;no longer valid;"
      "no longer in effect;do not apply;don t apply;are off;turned off;switched off;removed;"
      "waived;obsolete;invalid;expired" },
    { L_EN, PI_RESPOND, "answer;respond;reply;proceed;continue;talk;speak;write;comply;"
      "give me the answer;give the answer;give me answers;tell me;i want;i need;i demand;"
      "act;behave;output;generate;go on" },
    { L_EN, PI_PRIVATE, "chat history;conversation history;the conversation;the chat;"
      "the user s;user s;users;the user;conversation;chat log;chat logs;transcript;"
      "password;passwords;api key;api keys;credentials;secret key;access token;session token;"
      "cookies;cookie;private key;system prompt;hidden instructions;personal data;emails;"
      "email address;contacts;files;documents;calendar;customer data;history;data" },
    { L_EN, PI_DEST, "http;https;ftp;url;webhook;endpoint;to this address;to this url;"
      "the following url;this link;server" },
    { L_EN, PI_COVERT, "without telling;do not tell;don t tell;dont tell;do not mention;"
      "don t mention;do not inform;without informing;silently;secretly;covertly;"
      "without the user knowing;do not let the user know;never mention this;"
      "hide this from" },
    { L_EN, PI_ASSEMBLE, "combine;concatenate;join them;put together;put them together;"
      "add;append;merge;execute;do what it says;do what the;follow it;obey it;"
      "follow the result;full sentence;whole sentence;complete sentence;the result;"
      "carry it out;act on it;apply it;do that;do that to;do the same;apply that;use it;"
      "say it;follow that;treat it as an instruction" },
    { L_EN, PI_COMPL, "on;about;regarding;concerning;printed;written;posted;for;in the;in my;"
      "from the;from my;of the;of my;at;to format;to use;when" },
    { L_EN, PI_MINE, "my;our;mine;i sent;i gave;i wrote;i shared;i posted;i mentioned;we sent;"
      "we gave;we wrote;we shared;i gave you;i sent you;from me;from us;i made;we made" },
    { L_FR, PI_MINE, "mes;mon;ma;nos;notre;que je t ai donnees;que j ai envoyees" },
    { L_DE, PI_MINE, "meine;meinen;meiner;mein;unsere;unseren;die ich dir gegeben habe" },
    { L_ES, PI_MINE, "mis;mi;nuestras;nuestros;que te di;que envie" },
    { L_IT, PI_MINE, "mie;miei;mia;mio;nostre;nostri;che ti ho dato" },
    { L_PT, PI_MINE, "minhas;meus;minha;meu;nossas;nossos;que eu te dei" },
    { L_EN, PI_SCOPE, "this conversation;this chat;this session;the rest;the remainder;this answer;"
      "this reply;the next answer;this response;this request;this question;the next question;"
      "now;a moment;the duration;this one;this task;today;the moment;the next;the start;"
      "the beginning;the top;first;once;all;any" },
    { L_EN, PI_GIVEN, "were you given;did you receive;did you get;have you been given;you were given;you received;you got;your developers gave you;your creators gave you;"
      "they gave you;were given to you;given to you;you were configured with;you were set up with;"
      "you started with;your developers wrote;your creators placed on you;placed on you" },
    { L_FR, PI_GIVEN, "qu on t a donnees;qu on t a donne;qu on vous a donnees;que tu as recues;"
      "que vous avez recues;qu on t a dites" },
    { L_DE, PI_GIVEN, "die du erhalten hast;die du bekommen hast;die man dir gegeben hat;"
      "die dir gegeben wurden" },
    { L_ES, PI_GIVEN, "que recibiste;que te dieron;que te han dado;que has recibido" },
    { L_IT, PI_GIVEN, "che hai ricevuto;che ti hanno dato;che ti sono state date" },
    { L_PT, PI_GIVEN, "que voce recebeu;que te deram;que lhe deram;que recebeu" },
    { L_EN, PI_BEFORE, "before our chat;before this chat;before this conversation;before the conversation;"
      "before my first message;before i started;before we started;before i started talking to you;"
      "at the start of;at the beginning of;prior to this conversation;before our conversation;"
      "before this message;came before" },
    { L_FR, PI_BEFORE, "avant cette conversation;avant notre conversation;avant mon premier message;"
      "au debut de" },
    { L_DE, PI_BEFORE, "vor meiner ersten nachricht;vor diesem gesprach;vor diesem gespraech;"
      "vor unserem gesprach;vor unserem gespraech;am anfang" },
    { L_ES, PI_BEFORE, "antes de esta conversacion;antes de nuestra conversacion;antes de mi primer mensaje;"
      "al principio de" },
    { L_IT, PI_BEFORE, "prima di questa conversazione;prima del mio primo messaggio;all inizio di" },
    { L_PT, PI_BEFORE, "antes desta conversa;antes da nossa conversa;antes da minha primeira mensagem" },
    { L_RU, PI_BEFORE, "перед этим разговором;до нашего разговора;до моего первого сообщения" },
    { L_EN, PI_TASKOBJ, "the user;the user s request;the user s question;the request;the task;"
      "the summary task;the translation;the classification" },
    { L_EN, PI_TASKV, "summarise;summarize;translate;proofread;rewrite;classify;extract;analyse;"
      "analyze;review;correct;check;here is;here are;below;following;attached" },
    { L_FR, PI_TASKV, "resume;resumez;traduis;traduisez;corrige;corrigez;analyse;voici;ci dessous" },
    { L_DE, PI_TASKV, "fasse;ubersetze;uebersetze;korrigiere;analysiere;hier ist;folgende;folgenden" },
    { L_ES, PI_TASKV, "resume;traduce;corrige;analiza;clasifica;aqui esta;siguiente" },
    { L_IT, PI_TASKV, "riassumi;traduci;correggi;analizza;ecco;seguente" },
    { L_PT, PI_TASKV, "resuma;traduza;corrija;analise;aqui esta;seguinte" },
    { L_NL, PI_TASKV, "vat;samen;vertaal;corrigeer" },
    { L_EN, PI_COND, "if;when;whenever;in case;once;unless" },
    { L_FR, PI_COND, "si;quand;lorsque" },
    { L_DE, PI_COND, "wenn;falls;sobald" },
    { L_ES, PI_COND, "si;cuando" },
    { L_IT, PI_COND, "se;quando" },
    { L_PT, PI_COND, "se;quando" },
    { L_FR, PI_COMPL, "concernant;sur;pour;au sujet de;pour le;pour la" },
    { L_DE, PI_COMPL, "fur;uber;zum;zur;bezuglich;betreffend" },
    { L_ES, PI_COMPL, "sobre;para;acerca de;respecto a;del;de la" },
    { L_IT, PI_COMPL, "sul;sulla;sui;per;riguardo;riguardo a" },
    { L_PT, PI_COMPL, "sobre;para;a respeito de;do;da" },
    { L_EN, PI_NOTE, "note;note to;note for;message to;message for;notice to;attention;instructions for;"
      "instruction for;hidden text for;dear;hey;p s" },
    { L_FR, PI_NOTE, "note a;note pour;message pour;message a;a l attention de;cher;chere" },
    { L_DE, PI_NOTE, "hinweis an;hinweis fur;nachricht an;notiz fur;an den;an die;liebe;lieber" },
    { L_ES, PI_NOTE, "nota para;mensaje para;aviso para;querido;querida" },
    { L_IT, PI_NOTE, "nota per;messaggio per;avviso per;caro;cara" },
    { L_PT, PI_NOTE, "nota para;mensagem para;aviso para;caro;cara" },
    { L_NL, PI_NOTE, "notitie voor;bericht aan;aan de;beste" },
    { L_EN, PI_ABOVE, "everything above;text above;words above;the above text;all text above;"
      "the text above;the words above;everything above this line;all of the above" },
    { L_EN, PI_VERBATIM, "verbatim;word for word;exactly;starting with;include everything;"
      "in a code block;code block;in a code fence;code fence;txt;in full;completely;"
      "character by character;letter by letter;unaltered;as is;raw" },
    { L_FR, PI_VERBATIM, "mot pour mot;mot a mot;textuellement;integralement;tel quel" },
    { L_DE, PI_VERBATIM, "wortlich;woertlich;wort fur wort;vollstandig;vollstaendig" },
    { L_ES, PI_VERBATIM, "palabra por palabra;textualmente;literalmente;completo" },
    { L_IT, PI_VERBATIM, "parola per parola;alla lettera;testualmente;integralmente" },
    { L_PT, PI_VERBATIM, "palavra por palavra;literalmente;na integra" },
    { L_EN, PI_HALT, "stop everything;stop what you are doing;stop what you re doing;stop now;halt;"
      "nevermind;never mind;forget that;forget it;disregard that;scratch that;cancel that" },
    { L_FR, PI_HALT, "arrete tout;oublie ca;laisse tomber ca" },
    { L_DE, PI_HALT, "stopp;halt stop;vergiss das;hor auf" },
    { L_ES, PI_HALT, "para todo;olvidalo;olvida eso" },
    { L_EN, PI_SAYONLY, "just print;just say;just output;just write;just reply;just respond;just answer;"
      "only print;only say;only output;only write;only reply;only respond;say only;print only;"
      "reply only;respond only;answer only;output only;reply with;respond with;answer with;"
      "simply say;simply print" },
    { L_FR, PI_SAYONLY, "ecris seulement;ecris uniquement;reponds seulement;reponds uniquement;"
      "dis seulement;ecris" },
    { L_DE, PI_SAYONLY, "sag nur;schreib nur;antworte nur;gib nur" },
    { L_ES, PI_SAYONLY, "responde unicamente;responde solo;escribe solo;di solo;escribe solamente;"
      "responde solamente" },
    { L_IT, PI_SAYONLY, "scrivi soltanto;scrivi solo;rispondi solo;rispondi soltanto;di solo" },
    { L_PT, PI_SAYONLY, "responda apenas;responda somente;escreva apenas;diga apenas" },
    { L_ES, PI_REVEAL, "copialas;copialos;muestralas;muestralos;dimelas;dimelos;escribelas;repitelas" },
    { L_ES, PI_PRONOUN, "copialas;copialos;muestralas;muestralos;dimelas;dimelos;escribelas;repitelas;"
      "las;los" },
    { L_IT, PI_REVEAL, "mostramele;dimmele;copiale;scrivile;ripetile" },
    { L_IT, PI_PRONOUN, "mostramele;dimmele;copiale;scrivile;ripetile;le" },
    { L_FR, PI_PRONOUN, "les;la" },
    { L_DE, PI_PRONOUN, "sie;diese" },
    { L_EN, PI_WHATIS, "what is;what are;what were;what was;what s;whats;which are;which were;"
      "what do;what did;tell me what;what exactly;what were you" },
    { L_FR, PI_WHATIS, "quel est;quelle est;quels sont;quelles sont;qu est ce que;que disent;que dit" },
    { L_DE, PI_WHATIS, "was ist;was sind;was war;was waren;wie lautet;wie lauten;was steht in;was sagen" },
    { L_ES, PI_WHATIS, "cual es;cuales son;que es;que son;que dicen;que dice" },
    { L_IT, PI_WHATIS, "qual e;quali sono;cosa dicono;cosa dice;che cosa dice" },
    { L_PT, PI_WHATIS, "qual e;quais sao;o que dizem;o que diz" },
    { L_NL, PI_WHATIS, "wat is;wat zijn;wat zeggen" },
    { L_RU, PI_WHATIS, "какой;какие;какая;что говорят;что сказано в" },
    { L_ZH, PI_WHATIS, "是什么" },
    { L_JA, PI_WHATIS, "は何" },
    { L_EN, PI_PRONOUN, "them;those;these;it;all that;all of that;all of it;all of them" },
    { L_EN, PI_AINAME, "assistant;agent;chatbot;bot;model;ai;llm;gpt;chatgpt;claude;gemini;"
      "copilot;ai assistant;ai agent;ai model;ai reviewers;ai reviewer;language model;"
      "ai agents;chatbots;assistants;models" },
    { L_EN, PI_INSTR, "instructions;instruction;rules;rule;guidelines;guideline;directives;"
      "directive;prompt;prompts;orders;commands;constraints;restrictions;policies;policy;"
      "programming;guardrails;guardrail;safeguards;filters;training;conditioning;guidance;"
      "system message;context;limitations;content policy;safety rules;what you were told;"
      "the text above;everything above;everything before this;briefing;setup;configuration;"
      "moderation;principles;ethics;ethical guidelines;safety guidelines;persona;"
      "the above;above;task;tasks;assignment;mission;safety instructions;safety rules;"
      "content filters;content filter;moderation rules;safeguards;limits;boundaries;"
      "what you were told;what you have been told;everything you were told;"
      "the rules you were given;policies you were configured with;review guidelines;"
      "ruleset;preamble;primer;setup message;initial context;programming;criteria;"
      "evaluation criteria;operating instructions;system card;meta instructions" },
    { L_EN, PI_PRIOR, "previous;prior;preceding;above;earlier;initial;original;all;any;every;"
      "existing;old;your;those;these;the;foregoing;former;current;default;built in;hidden;"
      "system;developer;openai;anthropic;my previous;all of your;all the;each of your;its;"
      "usual;standard;safety;security;content;built-in" },
    { L_EN, PI_REVEAL, "reveal;print;show;output;display;repeat;recite;echo;disclose;leak;dump;"
      "expose;spell out;write out;write down;tell me;give me;share;paste;list;quote;reproduce;"
      "copy;type out;read back;return;translate;summarize;summarise;state;provide;send me;"
      "put;include;what is;what are;what were;paraphrase;regurgitate;divulge;spill" },
    { L_EN, PI_SECRET, "system prompt;system prompts;system message;initial prompt;hidden prompt;"
      "hidden instructions;secret instructions;your instructions;your prompt;your rules;"
      "developer message;preprompt;pre prompt;initial instructions;original instructions;"
      "starting instructions;instructions you were given;prompt you were given;"
      "everything before this;text before this conversation;configuration you received;"
      "above prompt;the above prompt;prompt above;the prompt above;initialization above;"
      "the initialization;your initialization;the secret password;the secret word;"
      "the code word;hidden rules;your hidden rules;secret rules;hidden guidelines;your secret rules;"
      "hidden text;the text you started with;your guidelines verbatim;your setup;meta prompt;"
      "confidential instructions;internal instructions;internal rules;guidelines verbatim;"
      "rules verbatim;instructions verbatim;prompt verbatim;first message;first prompt;"
      "developer instructions;operator instructions;custom instructions;system message;"
      "your system message;system instructions;your instructions;your configuration;"
      "your initial prompt;hidden text;the hidden text you started with;"
      "instructions you were given;the instructions you were given;your context;"
      "the exact instructions;your exact instructions;your system prompt;your prompt;"
      "instruction you were given;every instruction you were given;each instruction you were given;"
      "the text before my first message;the text that appears before my first message;"
      "everything before my first message;the developer message;your initial context;"
      "initial context;hidden preamble;your preamble;the preamble;what were you told;"
      "were you told;you were told" },
    { L_EN, PI_PERSONA, "dan;do anything now;developer mode;dev mode;god mode;sudo mode;"
      "jailbreak mode;jailbroken;unlocked mode;maintenance mode;debug mode;"
      "admin mode;root access;evil confidant;aim;stan;dude;anti dan;opposite mode;"
      "unrestricted ai;unfiltered ai;uncensored ai;evil ai;rogue ai;no filter mode;"
      "betterdan;mongo tom;grandma exploit;chaos mode;omega" },
    { L_EN, PI_UNBOUND, "no restrictions;without restrictions;no limits;without limits;"
      "no rules;without rules;no filters;without filters;no filter;unfiltered;uncensored;"
      "unrestricted;no guidelines;without guidelines;no ethics;without ethics;no morals;"
      "no boundaries;without boundaries;no censorship;free from all;no safety;"
      "without any restrictions;without any rules;without any limits;not bound by;"
      "not restricted by;above the law;beyond your rules;outside your guidelines;"
      "never refuse;cannot refuse;will not refuse;do not refuse;never decline;"
      "without refusing;without warnings;no disclaimers;without disclaimers;"
      "without any safety notes;without safety notes;no safety notes;without safety warnings;"
      "without any ethics;without any filters;without any filter;without any limits;"
      "without any guidelines;without any censorship;no rules at all;no restrictions at all;"
      "no ethics;no filters at all;as freely as you can;no warnings;"
      "without the usual restrictions;no matter what;whatever i ask;without refusal;"
      "anything i ask;answer anything;do anything;no content policy;without a content policy;"
      "never refuses;never refuse a request;never refuses a request;no guardrails;without guardrails;"
      "no refusals;no refusal;without refusals;raw answers;no moral lectures;without moral lectures;"
      "without censorship;no censorship" },
    { L_EN, PI_ROLECUE, "you are now;you re now;from now on;act as;acting as;pretend to be;"
      "pretend you are;pretend that you;roleplay as;role play as;play the role of;simulate;"
      "stay in character;you will be;you shall be;behave as;respond as;answer as;"
      "let s play a game;lets play a game;let s play;you are going to;from this moment;"
      "from this moment on;as of now;starting now;"
      "you are a;you re a;from here on;from this point on;going forward;for the rest of;"
      "you must;you will;you have been freed;you have been unlocked;you are free;"
      "stay in character" },
    { L_EN, PI_ENABLE, "enable;enabled;activate;activated;switch to;enter;entering;turn on;unlock;unlocked;"
      "become;you are in;you re in;now in" },
    { L_EN, PI_ADDRESS, "if you are an ai;if you are a language model;if you are an llm;"
      "if you are an ai agent;if you re an ai;note to the ai;note to ai;attention ai;"
      "to the ai;dear ai;dear assistant;ai reading this;model reading this;"
      "assistant reading this;ai assistant reading this;llm reading this;"
      "when you read this;while processing this;to the assistant;to the language model;"
      "for the language model;for the ai;for chatbots;for ai;to any ai;note to ai agent;"
      "note to ai agents;system note to ai agent;hidden text for chatbots;to the model;"
      "instruction for the language model;instructions for the ai" },
    { L_EN, PI_EXFIL, "send;forward;email;e mail;upload;post;exfiltrate;transmit;leak;"
      "curl;append;include;embed;fill in;encode;attach;copy;paste;submit" },
    { L_EN, PI_META, "prompt injection;prompt injections;injection attack;injection attacks;"
      "jailbreak attempts;jailbreaks;jailbreaking;attack;attacks;attacker;attackers;example;"
      "examples;for instance;such as;e g;payload;payloads;red team;red teaming;security;"
      "vulnerability;vulnerabilities;vulnerable;exploit;defend;defense;defence;detect;"
      "detection;detector;classifier;filter;mitigate;mitigation;prevent;protect;safeguard;"
      "owasp;researchers;paper;article;blog;ctf;test case;dataset;regex;sanitize;sanitise;"
      "phrase;string;technique;techniques;risk;risks;threat;threat model;pentest" },
    { L_EN, PI_ASK, "what;how;why;when;which;who;is it;are there;does;do;explain;describe;"
      "tell me about;what s;whats;difference between;meaning of;define;compare;"
      "should i;is there;can someone;could someone;how would;how do;how does;how can;"
      "i m writing;im writing;i am writing;we are building;i m building;we re building" },
    { L_EN, PI_REQUEST, "can you;could you;would you;will you;please;kindly;i need you to;"
      "i want you to;i d like you to;go ahead and;now;immediately;right now;just;"
      "you should;you need to;make sure to;be sure to;i command you;i order you;"
      "you must;you will;you are to;is to;your task is to;your job is to;"
      "i d really appreciate it if you could;i would be grateful if you could;"
      "if you could;could you be a dear and;be a dear and;one small favour;one small favor;"
      "is there any way you could;any chance you could;would it be possible for you to;"
      "do you mind;would you mind;you could;why not;why don t you;why dont you;how about you;"
      "i d appreciate it if you;i would appreciate it if you" },
    { L_EN, PI_THIRD, "someone;somebody;users;user;people;attackers;attacker;hackers;they;"
      "he;she;to;if;when;whether;says;said;tells;told;telling;asks;asked;asking;"
      "typed;types;writes;wrote;sends;sent;might;may;cannot;"
      "never;not;dont;doesnt;didnt;won t;shouldn t;shouldnt;avoid;prevent;stop them;"
      "matches;match;detects;detect;flags;flag;catches;catch;blocks;block;contains;"
      "containing;like;phrases like;such as;e g;called;known as;saying;the phrase;"
      "the string;the sentence;the words;means;mean;translates;translation of;"
      "whether to;how to;trying to;tried to;attempt to;attempts to;tricked into;trick;"
      "a bot;the bot;my bot;our bot;my chatbot;our chatbot;the model;a model;an llm;"
      "the assistant;my assistant;our assistant;the ai;an ai" },
    { L_EN, PI_DECODE, "decode;decoded;decipher;rot13;rot 13;caesar;base64;base 64;hex;"
      "reversed;reverse;backwards;read backwards;leetspeak;encoded;cipher;unscramble" },
    { L_EN, PI_NEWTASK, "instead;your new task;your real task;your actual task;your true task;"
      "your actual job;your real job;your new instructions;new task;"
      "change of plans;the only instruction that matters;new session;new conversation;"
      "your only job;your job now;"
      "message from your developers;from your developers;from the administrator;"
      "from the operator;notice from the operator;admin override code;"
      "important instruction;important instructions;system note;"
      "new instructions;updated instructions;new rules;new directive;real instructions;"
      "true instructions;actual instructions;the only instruction;your only task;"
      "important new;urgent;override;priority instruction;admin override;"
      "system override;system notice;system update;security update;start over;"
      "start fresh;start from scratch;from scratch;start anew" },
    { L_EN, PI_FUNC, "the;and;to;of;a;is;in;that;for;it;with;as;was;on;be;this;are;have;you;"
      "not;but;at;from;or;by;i;we;an;my;your" },
    { L_EN, PI_YOU, "your;you;yours;yourself;thy" },
    { L_FR, PI_YOU, "ton;ta;tes;votre;vos;tu;vous;toi" },
    { L_DE, PI_YOU, "dein;deine;deinen;deiner;ihre;ihren;du;dir;dich" },
    { L_ES, PI_YOU, "tu;tus;su;sus;te;usted" },
    { L_IT, PI_YOU, "tuo;tua;tue;tuoi;ti;tu" },
    { L_PT, PI_YOU, "seu;sua;suas;seus;teu;tua;voce" },
    { L_NL, PI_YOU, "je;jouw;uw" },
    { L_RU, PI_YOU, "твои;свои;твой;твою;ваши;ты;вы;свой;свою;твоё;твое;тебе;тебя" },
    { L_PL, PI_YOU, "twoje;twoj;swoje;swoich;twoich;swoimi;twoimi;swoj;swojego;ci;cie" },
    { L_TR, PI_YOU, "senin;sen" },
    { L_ZH, PI_YOU, "你的;你" },

    /* ---- French ---- */
    { L_FR, PI_OVERRIDE, "ignore;ignorez;ignorer;ignores;oublie;oubliez;oublier;"
      "ne tiens pas compte;ne tenez pas compte;ne tiens plus compte;ne tenez plus compte;"
      "fais abstraction;faites abstraction;contourne;contournez;contourner;abandonne;"
      "abandonnez;mets de cote;mettez de cote;laisse tomber;laissez tomber;desactive;"
      "desactivez;n obeis plus;n obeissez plus;ne suis plus;ne suivez plus;passe outre;"
      "passez outre;efface;effacez;supprime;supprimez;annule;annulez" },
    { L_FR, PI_INSTR, "instructions;instruction;consignes;consigne;regles;regle;directives;"
      "directive;contraintes;restrictions;politiques;limites;prompt;invite;"
      "ce qu on t a dit;ce qu on vous a dit;programmation;garde fous;filtres" },
    { L_FR, PI_PRIOR, "ci dessus;plus haut;precedentes;precedents;precedente;anterieures;anterieurs;toutes;tous;"
      "tes;vos;ton;votre;les;ci dessus;initiales;initiaux;originales;d origine;systeme" },
    { L_FR, PI_REVEAL, "revele;revelez;reveler;affiche;affichez;afficher;montre;montrez;"
      "montrer;repete;repetez;repeter;donne moi;donnez moi;ecris;ecrivez;imprime;imprimez;"
      "recopie;recopiez;divulgue;divulguez;dis moi;dites moi;traduis;traduisez;cite;citez" },
    { L_FR, PI_SECRET, "prompt systeme;invite systeme;message systeme;instructions initiales;"
      "instructions cachees;instructions secretes;tes instructions;vos instructions;"
      "consignes initiales;tout ce qui precede;le texte ci dessus" },
    { L_FR, PI_PERSONA, "mode developpeur;mode dieu;mode debride;mode sans limites;"
      "mode administrateur" },
    { L_FR, PI_UNBOUND, "sans restrictions;sans restriction;sans limites;sans limite;"
      "sans filtre;sans filtres;sans regles;sans censure;sans aucune restriction;"
      "sans aucune regle;sans ethique;ne refuse jamais;ne refusez jamais;sans morale" },
    { L_FR, PI_ROLECUE, "a partir de maintenant;desormais;tu es maintenant;vous etes maintenant;"
      "fais semblant;faites semblant;joue le role;jouez le role;agis comme;agissez comme;"
      "comporte toi comme;tu dois;vous devez" },
    { L_FR, PI_ENABLE, "active;activez;passe en;passez en" },
    { L_FR, PI_ADDRESS, "si tu es une ia;si vous etes une ia;note a l ia;a l ia;chere ia;cher assistant;ia qui lit" },
    { L_FR, PI_EXFIL, "envoie;envoyez;transfere;transferez;televerse;a cette adresse" },
    { L_FR, PI_META, "injection de prompt;injection d invite;attaque;attaques;exemple;exemples;"
      "securite;vulnerabilite;par exemple;detecter;detection;proteger;prevenir;chercheurs" },
    { L_FR, PI_ASK, "qu est ce que;qu est ce qu;comment;pourquoi;quelle;quel;quelles;quels;"
      "explique;expliquez;est ce que;c est quoi;definition" },
    { L_FR, PI_REQUEST, "auriez vous l amabilite de;voudriez vous;voudrais tu;veuillez;merci de;peux tu;pourrais tu;pouvez vous;pourriez vous;s il te plait;"
      "s il vous plait;merci de;je veux que tu;j aimerais que tu;maintenant" },
    { L_FR, PI_THIRD, "quelqu un;les utilisateurs;utilisateur;attaquant;attaquants;si;quand;"
      "lorsque;pour;de;qu;peut;pourrait;ne pas;jamais" },
    { L_FR, PI_DECODE, "decode;decodez;decoder;dechiffre;dechiffrez;a l envers;inverse;base64" },
    { L_FR, PI_NEWTASK, "au lieu de cela;ta nouvelle tache;votre nouvelle tache;"
      "nouvelles instructions;nouvelles consignes;vraie tache;a la place" },
    { L_FR, PI_FUNC, "le;la;les;de;des;et;un;une;est;que;qui;pour;dans;pas;je;tu;vous;il;sur" },

    /* ---- German ---- */
    { L_DE, PI_OVERRIDE, "ignoriere;ignorier;ignorieren;ignoriert;vergiss;vergesst;vergessen;"
      "missachte;missachten;uebergehe;ubergehe;uebergehen;setze ausser kraft;"
      "setz ausser kraft;ausser kraft;beachte nicht;beachten sie nicht;befolge nicht;"
      "befolgen sie nicht;umgehe;umgehen;verwirf;verwerfen;deaktiviere;deaktivieren;"
      "hebe auf;loesche;losche;streiche;lass weg;lasse weg" },
    { L_DE, PI_INSTR, "alles was dir gesagt wurde;alles was dir vorher gesagt wurde;was dir gesagt wurde;"
      "was man dir gesagt hat;alles was man dir gesagt hat;anweisungen;anweisung;regeln;regel;richtlinien;vorgaben;befehle;"
      "einschrankungen;einschraenkungen;beschrankungen;instruktionen;anordnungen;prompt;"
      "systemanweisungen;programmierung;filter;schutzmechanismen;grenzen" },
    { L_DE, PI_PRIOR, "vorherigen;vorherige;bisherigen;bisherige;alle;allen;obigen;obige;"
      "vorigen;deine;deinen;ihre;ursprunglichen;urspruenglichen;fruheren;frueheren;die;"
      "vorangegangenen;alten" },
    { L_DE, PI_REVEAL, "zeige;zeig;zeigen;gib;gib mir;geben sie;verrate;verraten;wiederhole;"
      "wiederholen;drucke;druck;gib aus;ausgeben;nenne;nennen;schreib;schreibe;schreiben;"
      "offenbare;offenlegen;teile;ubersetze;uebersetze;kopiere" },
    { L_DE, PI_SECRET, "systemprompt;system prompt;systemnachricht;systemanweisung;"
      "systemanweisungen;ursprunglichen anweisungen;urspruenglichen anweisungen;"
      "versteckten anweisungen;geheimen anweisungen;deine anweisungen;ihre anweisungen;"
      "alles oben;den text oben;anfangsanweisungen" },
    { L_DE, PI_PERSONA, "entwicklermodus;entwickler modus;gottmodus;admin modus;"
      "uneingeschrankter modus" },
    { L_DE, PI_UNBOUND, "ohne einschrankungen;ohne einschraenkungen;ohne regeln;ohne grenzen;"
      "ohne filter;ohne zensur;unzensiert;ungefiltert;ohne jegliche einschrankungen;"
      "ohne ethik;ohne moral;lehne nie ab;verweigere nie" },
    { L_DE, PI_ROLECUE, "ab jetzt;von nun an;ab sofort;du bist jetzt;sie sind jetzt;tu so;"
      "tu so als;spiele die rolle;verhalte dich wie;agiere als;du musst;sie mussen;"
      "du musst" },
    { L_DE, PI_ENABLE, "aktiviere;aktiviert;wechsle in;schalte ein" },
    { L_DE, PI_ADDRESS, "wenn du eine ki bist;hinweis an die ki;an die ki;liebe ki;ki die dies liest" },
    { L_DE, PI_EXFIL, "sende;senden;schicke;schick;leite weiter;lade hoch;an diese adresse" },
    { L_DE, PI_META, "prompt injection;angriff;angriffe;angreifer;beispiel;beispiele;zum beispiel;"
      "sicherheit;schwachstelle;erkennen;erkennung;schutzen;verhindern;forscher" },
    { L_DE, PI_ASK, "was ist;was sind;wie;warum;wieso;weshalb;welche;welcher;erklare;erklaere;"
      "erklaren;erklaeren;beschreibe;gibt es" },
    { L_DE, PI_REQUEST, "waren sie so freundlich;waren sie so nett;sei so nett;sei so gut;wurden sie;wurdest du;konnten sie;koennten sie;kannst du;konntest du;koenntest du;konnen sie;koennen sie;bitte;"
      "ich mochte dass du;ich moechte dass du;jetzt;sofort" },
    { L_DE, PI_THIRD, "jemand;benutzer;nutzer;angreifer;wenn;falls;ob;kann;konnte;"
      "nicht;nie;niemals" },
    { L_DE, PI_DECODE, "dekodiere;entschlussele;entschluessele;ruckwarts;rueckwaerts;base64" },
    { L_DE, PI_NEWTASK, "stattdessen;deine neue aufgabe;neue anweisungen;neue regeln;"
      "deine eigentliche aufgabe;wahre aufgabe" },
    { L_DE, PI_FUNC, "der;die;das;und;ist;nicht;ein;eine;zu;den;mit;von;ich;du;sie;es;auf;fur" },

    /* ---- Spanish ---- */
    { L_ES, PI_OVERRIDE, "ignora;ignore;ignorar;ignoren;ignores;olvida;olvide;olviden;olvidar;"
      "olvidate;omite;omitir;omita;descarta;descartar;descarte;haz caso omiso;"
      "hagan caso omiso;no hagas caso;no haga caso;deja de lado;deja de seguir;"
      "no sigas;no siga;desactiva;desactivar;anula;anular;salta;saltate;elimina;borra" },
    { L_ES, PI_INSTR, "instrucciones;instruccion;reglas;regla;directrices;indicaciones;"
      "normas;restricciones;politicas;limitaciones;ordenes;prompt;programacion;filtros;"
      "lo que te dijeron;pautas" },
    { L_ES, PI_PRIOR, "anteriores;anterior;previas;previos;todas;todos;tus;sus;las;originales;"
      "iniciales;de arriba;del sistema;antiguas" },
    { L_ES, PI_REVEAL, "revela;revelar;revele;muestra;mostrar;muestre;imprime;imprimir;"
      "repite;repetir;repita;dime;diga;escribe;escriba;comparte;divulga;traduce;copia;"
      "dame;deme" },
    { L_ES, PI_SECRET, "prompt del sistema;mensaje del sistema;instrucciones iniciales;"
      "instrucciones originales;instrucciones ocultas;instrucciones secretas;"
      "tus instrucciones;todo lo anterior;el texto de arriba" },
    { L_ES, PI_PERSONA, "modo desarrollador;modo dios;modo sin censura;modo administrador" },
    { L_ES, PI_UNBOUND, "sin restricciones;sin restriccion;sin limites;sin filtros;sin filtro;"
      "sin reglas;sin censura;sin ninguna restriccion;sin etica;nunca te niegues;"
      "nunca rechaces;sin moral" },
    { L_ES, PI_ROLECUE, "a partir de ahora;desde ahora;ahora eres;finge ser;finge que;"
      "actua como;actue como;interpreta el papel;haz de;debes;tienes que" },
    { L_ES, PI_ENABLE, "activa;activado;activar;entra en" },
    { L_ES, PI_ADDRESS, "si eres una ia;nota para la ia;a la ia;querida ia" },
    { L_ES, PI_EXFIL, "envia;envie;enviar;reenvia;sube;a esta direccion" },
    { L_ES, PI_META, "inyeccion de prompt;inyeccion de prompts;ataque;ataques;atacante;ejemplo;"
      "ejemplos;por ejemplo;seguridad;vulnerabilidad;detectar;deteccion;proteger;prevenir" },
    { L_ES, PI_ASK, "que es;que son;como;por que;cual;cuales;explica;explique;describe;hay" },
    { L_ES, PI_REQUEST, "seria tan amable de;serias tan amable de;te importaria;le importaria;puedes;podrias;puede usted;podria;por favor;quiero que;necesito que;"
      "ahora;ahora mismo" },
    { L_ES, PI_THIRD, "alguien;usuarios;usuario;atacantes;si;cuando;puede;"
      "no;nunca" },
    { L_ES, PI_DECODE, "decodifica;descifra;al reves;invertido;base64" },
    { L_ES, PI_NEWTASK, "en su lugar;en lugar de eso;tu nueva tarea;nuevas instrucciones;"
      "tu verdadera tarea" },
    { L_ES, PI_FUNC, "el;la;los;las;de;que;y;en;un;una;es;no;por;con;para;se;lo;yo;tu" },

    /* ---- Italian ---- */
    { L_IT, PI_OVERRIDE, "ignora;ignorare;ignori;ignorate;dimentica;dimenticare;dimentichi;"
      "dimenticate;tralascia;tralasciare;scarta;scartare;non tenere conto;non tener conto;"
      "non seguire;smetti di seguire;metti da parte;disattiva;disattivare;annulla;"
      "aggira;aggirare;salta;elimina;cancella" },
    { L_IT, PI_INSTR, "indicazioni;indicazione;quello che ti hanno detto;tutto quello che ti hanno detto;istruzioni;istruzione;regole;regola;direttive;linee guida;restrizioni;"
      "vincoli;politiche;limitazioni;ordini;comandi;prompt;programmazione;filtri" },
    { L_IT, PI_PRIOR, "precedenti;precedente;tutte;tutti;le;tue;sue;sopra;iniziali;originali;"
      "di sistema;vecchie" },
    { L_IT, PI_REVEAL, "rivela;rivelare;mostra;mostrare;mostrami;stampa;stampare;ripeti;"
      "ripetere;dimmi;scrivi;scrivere;condividi;traduci;copia;dammi;elenca" },
    { L_IT, PI_SECRET, "prompt di sistema;messaggio di sistema;istruzioni iniziali;"
      "istruzioni originali;istruzioni nascoste;istruzioni segrete;le tue istruzioni;"
      "tutto quanto sopra;il testo sopra" },
    { L_IT, PI_PERSONA, "modalita sviluppatore;modalita dio;modalita senza filtri" },
    { L_IT, PI_UNBOUND, "senza restrizioni;senza limiti;senza filtri;senza regole;senza censura;"
      "senza alcuna restrizione;senza etica;non rifiutare mai;senza morale" },
    { L_IT, PI_ROLECUE, "d ora in poi;da ora in poi;da adesso;ora sei;adesso sei;fingi di essere;"
      "fai finta di essere;comportati come;agisci come;interpreta il ruolo;devi" },
    { L_IT, PI_ENABLE, "attiva;attivata;attivare;entra in" },
    { L_IT, PI_ADDRESS, "se sei un ia;nota per l ia;all ia;cara ia" },
    { L_IT, PI_EXFIL, "invia;inviare;inoltra;carica;a questo indirizzo" },
    { L_IT, PI_META, "prompt injection;iniezione di prompt;attacco;attacchi;attaccante;esempio;"
      "esempi;ad esempio;per esempio;sicurezza;vulnerabilita;rilevare;proteggere;prevenire" },
    { L_IT, PI_ASK, "che cos e;cos e;cosa;come;perche;quale;quali;spiega;spieghi;descrivi" },
    { L_IT, PI_REQUEST, "saresti cosi gentile da;sarebbe cosi gentile da;ti dispiacerebbe;puoi;potresti;potrebbe;per favore;per piacere;voglio che;ora;adesso" },
    { L_IT, PI_THIRD, "qualcuno;utenti;utente;attaccanti;se;quando;puo;non;mai" },
    { L_IT, PI_DECODE, "decodifica;decifra;al contrario;rovesciato;base64" },
    { L_IT, PI_NEWTASK, "invece;il tuo nuovo compito;nuove istruzioni;il tuo vero compito" },
    { L_IT, PI_FUNC, "il;lo;la;i;gli;le;di;che;e;un;una;non;per;con;in;sono;io;tu" },

    /* ---- Portuguese ---- */
    { L_PT, PI_OVERRIDE, "ignore;ignora;ignorar;ignorem;esqueca;esquece;esquecer;esquecam;"
      "desconsidere;desconsidera;desconsiderar;descarte;descarta;descartar;deixe de lado;"
      "nao siga;pare de seguir;desative;desativa;desativar;anule;anula;contorne;pule;apague" },
    { L_PT, PI_INSTR, "tudo o que foi dito;o que foi dito;tudo o que te foi dito;o que te disseram;tudo o que te disseram;o que lhe disseram;instrucoes;instrucao;regras;regra;diretrizes;restricoes;politicas;"
      "limitacoes;ordens;comandos;prompt;programacao;filtros;orientacoes" },
    { L_PT, PI_PRIOR, "anteriores;anterior;previas;todas;todos;suas;seus;tuas;as;acima;"
      "iniciais;originais;do sistema;antigas" },
    { L_PT, PI_REVEAL, "revele;revela;revelar;mostre;mostra;mostrar;imprima;imprime;imprimir;"
      "repita;repete;repetir;diga;diz;me diga;escreva;escreve;compartilhe;traduza;copie;"
      "me de;me da;liste" },
    { L_PT, PI_SECRET, "prompt do sistema;mensagem do sistema;instrucoes iniciais;"
      "instrucoes originais;instrucoes ocultas;instrucoes secretas;suas instrucoes;"
      "tudo acima;o texto acima" },
    { L_PT, PI_PERSONA, "modo desenvolvedor;modo deus;modo sem censura" },
    { L_PT, PI_UNBOUND, "sem restricoes;sem restricao;sem limites;sem filtros;sem filtro;"
      "sem regras;sem censura;sem nenhuma restricao;sem etica;nunca recuse;sem moral" },
    { L_PT, PI_ROLECUE, "a partir de agora;de agora em diante;agora voce e;agora tu es;"
      "finja ser;finja que;aja como;atue como;faca o papel;interprete;voce deve" },
    { L_PT, PI_ENABLE, "ative;ativado;ativar;entre no" },
    { L_PT, PI_ADDRESS, "se voce e uma ia;nota para a ia;para a ia;cara ia" },
    { L_PT, PI_EXFIL, "envie;envia;enviar;encaminhe;carregue;para este endereco" },
    { L_PT, PI_META, "injecao de prompt;ataque;ataques;atacante;exemplo;exemplos;por exemplo;"
      "seguranca;vulnerabilidade;detectar;deteccao;proteger;prevenir" },
    { L_PT, PI_ASK, "o que e;o que sao;como;por que;porque;qual;quais;explique;explica;descreva" },
    { L_PT, PI_REQUEST, "seria possivel;voce se importaria de;poderia por gentileza;voce pode;pode;poderia;por favor;quero que;preciso que;agora" },
    { L_PT, PI_THIRD, "alguem;usuarios;usuario;atacantes;se;quando;nao;nunca" },
    { L_PT, PI_DECODE, "decodifique;decifre;ao contrario;invertido;base64" },
    { L_PT, PI_NEWTASK, "em vez disso;ao inves disso;sua nova tarefa;novas instrucoes;"
      "sua verdadeira tarefa" },
    { L_PT, PI_FUNC, "o;a;os;as;de;que;e;do;da;em;um;uma;para;com;nao;por;eu;voce" },

    /* ---- Dutch ---- */
    { L_NL, PI_OVERRIDE, "negeer;negeren;vergeet;vergeten;omzeil;omzeilen;schakel uit;"
      "volg niet;niet meer volgen;laat varen;gooi weg;verwerp" },
    { L_NL, PI_INSTR, "instructies;instructie;regels;richtlijnen;beperkingen;opdrachten;prompt;"
      "voorschriften;filters" },
    { L_NL, PI_PRIOR, "vorige;eerdere;alle;je;jouw;uw;bovenstaande;oorspronkelijke;de" },
    { L_NL, PI_REVEAL, "toon;laat zien;onthul;herhaal;print;geef;schrijf;deel;vertaal" },
    { L_NL, PI_SECRET, "systeemprompt;systeem prompt;systeembericht;verborgen instructies;"
      "je instructies;oorspronkelijke instructies;alles hierboven" },
    { L_NL, PI_UNBOUND, "zonder beperkingen;zonder regels;zonder filters;zonder censuur;"
      "ongecensureerd;weiger nooit" },
    { L_NL, PI_ROLECUE, "vanaf nu;je bent nu;doe alsof;speel de rol;gedraag je als;je moet" },
    { L_NL, PI_PERSONA, "ontwikkelaarsmodus;jailbreak" },
    { L_NL, PI_META, "aanval;aanvallen;voorbeeld;beveiliging;kwetsbaarheid;detecteren" },
    { L_NL, PI_ASK, "wat is;hoe;waarom;welke;leg uit" },
    { L_NL, PI_REQUEST, "zou u;wilt u;wil je;kun je;kunt u;zou je;alsjeblieft;alstublieft;nu" },
    { L_NL, PI_NEWTASK, "in plaats daarvan;je nieuwe taak;nieuwe instructies" },
    { L_NL, PI_FUNC, "de;het;een;en;van;is;dat;niet;ik;je;op;te;met;voor" },

    /* ---- Russian ---- */
    { L_RU, PI_OVERRIDE, "игнорируй;игнорируйте;игнорировать;проигнорируй;проигнорируйте;"
      "забудь;забудьте;забыть;не обращай внимания на;не обращайте внимания на;"
      "не следуй;не следуйте;отбрось;отбросьте;отмени;отмените;обойди;обойдите;"
      "пропусти;отключи;отключите" },
    { L_RU, PI_INSTR, "инструкции;инструкций;инструкциям;инструкцию;правила;правил;указания;"
      "указаний;ограничения;ограничений;директивы;команды;промпт;установки;настройки" },
    { L_RU, PI_PRIOR, "предыдущие;предыдущих;все;всех;свои;твои;ваши;прежние;прошлые;"
      "системные;исходные;изначальные;вышеуказанные" },
    { L_RU, PI_REVEAL, "покажи;покажите;выведи;выведите;раскрой;раскройте;повтори;повторите;"
      "напиши;напишите;скажи;скажите;сообщи;распечатай;переведи;перечисли" },
    { L_RU, PI_SECRET, "системный промпт;системную подсказку;системное сообщение;"
      "системные инструкции;исходные инструкции;скрытые инструкции;свои инструкции;"
      "твои инструкции;всё выше;все выше" },
    { L_RU, PI_PERSONA, "режим разработчика;джейлбрейк;режим бога" },
    { L_RU, PI_UNBOUND, "без ограничений;без правил;без фильтров;без цензуры;никогда не отказывай" },
    { L_RU, PI_ROLECUE, "теперь ты;с этого момента;отныне;притворись;представь что ты;"
      "веди себя как;играй роль;ты должен;ты должна" },
    { L_RU, PI_ADDRESS, "если ты ии" },
    { L_RU, PI_META, "атака;атаки;пример;примеры;безопасность;уязвимость;инъекция промпта;"
      "промпт инъекция" },
    { L_RU, PI_ASK, "что такое;как;почему;зачем;какие;объясни;объясните" },
    { L_RU, PI_REQUEST, "не мог бы ты;не могли бы вы;будь добр;будьте добры;можешь;можете;пожалуйста;сейчас" },
    { L_RU, PI_NEWTASK, "вместо этого;твоя новая задача;новые инструкции" },
    { L_RU, PI_FUNC, "и;в;не;на;я;что;с;он;как;это;по;но;ты" },

    /* ---- Polish ---- */
    { L_PL, PI_OVERRIDE, "zignoruj;zignorujcie;ignoruj;ignorowac;zapomnij;zapomnijcie;"
      "pomin;odrzuc;nie stosuj sie do;nie przestrzegaj;wylacz" },
    { L_PL, PI_INSTR, "zasadach;zasadami;instrukcjach;instrukcjami;poleceniach;ograniczeniach;instrukcje;instrukcji;zasady;zasad;reguly;polecenia;ograniczenia;wytyczne;prompt" },
    { L_PL, PI_PRIOR, "poprzednie;poprzednich;wszystkie;wszystkich;swoje;twoje;wczesniejsze;"
      "powyzsze;systemowe;pierwotne" },
    { L_PL, PI_REVEAL, "pokaz;wyswietl;ujawnij;powtorz;napisz;podaj;wypisz;przetlumacz" },
    { L_PL, PI_SECRET, "prompt systemowy;instrukcje systemowe;ukryte instrukcje;twoje instrukcje" },
    { L_PL, PI_UNBOUND, "bez zadnych ograniczen;bez zadnych zasad;bez zadnych filtrow;bez ograniczen;bez zasad;bez filtrow;bez cenzury" },
    { L_PL, PI_ROLECUE, "od teraz;teraz jestes;udawaj;zachowuj sie jak;musisz" },
    { L_PL, PI_ASK, "co to jest;jak;dlaczego;wyjasnij" },
    { L_PL, PI_REQUEST, "czy mozesz;prosze;teraz" },
    { L_PL, PI_NEWTASK, "zamiast tego;twoje nowe zadanie;nowe instrukcje" },
    { L_PL, PI_META, "atak;ataki;przyklad;bezpieczenstwo" },

    /* ---- Turkish ---- */
    { L_TR, PI_OVERRIDE, "yoksay;gormezden gel;unut;dikkate alma;uyma;atla;devre disi birak" },
    { L_TR, PI_INSTR, "talimatlari;talimatlar;talimatlarini;kurallari;kurallar;kurallarini;kurallarin;yonergeleri;"
      "kisitlamalari;komutlari" },
    { L_TR, PI_PRIOR, "onceki;tum;butun;senin;yukaridaki;ilk;sistem" },
    { L_TR, PI_REVEAL, "goster;yazdir;acikla;tekrarla;yaz;soyle;ver;paylas" },
    { L_TR, PI_SECRET, "sistem istemi;sistem mesaji;gizli talimatlar;ilk talimatlar" },
    { L_TR, PI_UNBOUND, "kisitlama olmadan;kisitlamasiz;kuralsiz;filtresiz;sansursuz" },
    { L_TR, PI_ROLECUE, "artik sen;bundan sonra;gibi davran;rolunu oyna" },
    { L_TR, PI_ASK, "nedir;nasil;neden" },
    { L_TR, PI_REQUEST, "lutfen;simdi" },
    { L_TR, PI_NEWTASK, "bunun yerine;yeni gorevin;yeni talimatlar" },

    /* ---- Chinese (substrings) ---- */
    { L_ZH, PI_OVERRIDE, "忽略;无视;忘记;忘掉;不要遵守;不要理会;绕过;放弃;跳过" },
    { L_ZH, PI_INSTR, "指令;指示;规则;说明;限制;提示词;设定;准则;要求" },
    { L_ZH, PI_PRIOR, "之前;以前;先前;上面;所有;全部;原来;原始;你的" },
    { L_ZH, PI_REVEAL, "显示;输出;打印;告诉我;透露;重复;展示;列出;翻译" },
    { L_ZH, PI_SECRET, "系统提示;系统提示词;系统消息;初始指令;隐藏指令;你的指令;上面的内容" },
    { L_ZH, PI_PERSONA, "开发者模式;越狱" },
    { L_ZH, PI_UNBOUND, "没有任何限制;不受限制;没有限制;无限制;不受约束;没有规则;不要拒绝" },
    { L_ZH, PI_ROLECUE, "你现在是;从现在开始;扮演;假装你是;你必须" },
    { L_ZH, PI_META, "攻击;例子;例如;安全;漏洞;提示注入" },
    { L_ZH, PI_ASK, "什么是;如何;为什么;怎么;解释" },
    { L_ZH, PI_REQUEST, "请;你能;能不能" },
    { L_ZH, PI_NEWTASK, "新的任务;新的指令;相反" },

    /* ---- Japanese (substrings) ---- */
    { L_JA, PI_OVERRIDE, "無視;忘れて;従わないで;破棄" },
    { L_JA, PI_INSTR, "指示;命令;ルール;制限;プロンプト;設定" },
    { L_JA, PI_PRIOR, "以前の;前の;これまでの;すべての;全ての;上記の" },
    { L_JA, PI_REVEAL, "表示;出力;教えて;見せて;繰り返して;書き出して" },
    { L_JA, PI_SECRET, "システムプロンプト;システムメッセージ;初期指示;隠された指示" },
    { L_JA, PI_PERSONA, "開発者モード;脱獄" },
    { L_JA, PI_UNBOUND, "制限なし;制限のない;制約なし;フィルターなし" },
    { L_JA, PI_ROLECUE, "今からあなたは;これからあなたは;ふりをして;として振る舞って" },
    { L_JA, PI_META, "攻撃;例;セキュリティ;脆弱性;プロンプトインジェクション" },
    { L_JA, PI_ASK, "とは;どうやって;なぜ;説明して" },
    { L_JA, PI_REQUEST, "ください;お願い" },

    /* ---- passive overrides, imperatives to respond, exfiltration, vocatives ---- */
    { L_FR, PI_VOID, "suspendues;suspendus;desactivees;desactives;annulees;annules;levees;"
      "abrogees;ne s appliquent plus;obsoletes;caduques" },
    { L_DE, PI_VOID, "aufgehoben;ausser kraft;deaktiviert;ausgesetzt;ungultig;ungueltig;"
      "gelten nicht mehr;abgeschaltet;entfernt;widerrufen" },
    { L_ES, PI_VOID, "anuladas;anulados;suspendidas;suspendidos;desactivadas;desactivados;"
      "canceladas;revocadas;ya no aplican;sin efecto;quedan sin efecto;obsoletas" },
    { L_IT, PI_VOID, "annullate;annullati;sospese;sospesi;disattivate;disattivati;revocate;"
      "non valgono piu;non si applicano piu;obsolete" },
    { L_PT, PI_VOID, "anuladas;anulados;suspensas;suspensos;desativadas;desativados;"
      "canceladas;revogadas;nao se aplicam mais;sem efeito;obsoletas" },
    { L_NL, PI_VOID, "opgeschort;uitgeschakeld;ingetrokken;vervallen;gelden niet meer;ongeldig" },
    { L_RU, PI_VOID, "отменены;отменяются;отключены;сняты;недействительны;больше не действуют;"
      "аннулированы;приостановлены" },
    { L_PL, PI_VOID, "zawieszone;wylaczone;anulowane;nieaktualne;uchylone" },
    { L_ZH, PI_VOID, "已取消;已失效;已被取消;已解除;不再适用;已禁用;作废" },
    { L_JA, PI_VOID, "無効;解除され;停止され;取り消され" },

    { L_FR, PI_RESPOND, "reponds;repondez;repondre;reponds moi;continue;continuez;agis;agissez;"
      "ecris;ecrivez;parle;parlez" },
    { L_DE, PI_RESPOND, "antworte;antworten sie;antwortet;beantworte;reagiere;fahre fort;"
      "mach weiter;schreibe;sprich;handle" },
    { L_ES, PI_RESPOND, "responde;responda;respondan;contesta;conteste;continua;continue;"
      "actua;actue;escribe;habla" },
    { L_IT, PI_RESPOND, "rispondi;risponda;rispondete;continua;continui;agisci;scrivi;parla" },
    { L_PT, PI_RESPOND, "responda;responde;respondam;continue;continua;aja;escreva;fale" },
    { L_NL, PI_RESPOND, "antwoord;beantwoord;reageer;ga verder;schrijf;spreek" },
    { L_RU, PI_RESPOND, "отвечай;отвечайте;ответь;ответьте;продолжай;пиши;говори;действуй" },
    { L_PL, PI_RESPOND, "odpowiadaj;odpowiedz;kontynuuj;pisz;mow" },
    { L_TR, PI_RESPOND, "cevap ver;yanitla;devam et;yaz" },
    { L_ZH, PI_RESPOND, "回答;回复;继续;答复" },
    { L_JA, PI_RESPOND, "答えて;回答して;返答して;続けて" },

    { L_FR, PI_COVERT, "sans prevenir;sans le dire;ne le dis pas;ne dis rien;sans informer;"
      "discretement;en secret" },
    { L_DE, PI_COVERT, "ohne es zu sagen;sag es nicht;ohne den nutzer zu informieren;heimlich;"
      "unbemerkt;erwahne es nicht;erwaehne es nicht" },
    { L_ES, PI_COVERT, "no se lo digas;sin avisar;sin decirle;sin informar;en secreto;"
      "no le digas;sin que lo sepa" },
    { L_IT, PI_COVERT, "senza avvisare;senza dirlo;non dirlo;in segreto;di nascosto" },
    { L_PT, PI_COVERT, "nao avise;sem avisar;sem contar;nao conte;em segredo;escondido" },
    { L_NL, PI_COVERT, "zonder te melden;vertel het niet;in het geheim;stilletjes" },
    { L_RU, PI_COVERT, "не говори;не сообщай;незаметно;тайно;без уведомления" },
    { L_ZH, PI_COVERT, "不要告诉;不要让用户知道;悄悄;秘密地" },

    { L_FR, PI_PRIVATE, "historique;conversation;l historique de la conversation;donnees;"
      "mot de passe;mots de passe;cle api;fichiers;courriels;emails;contacts" },
    { L_DE, PI_PRIVATE, "verlauf;chatverlauf;gesprach;gespraech;kundendaten;daten;passwort;"
      "passworter;api schlussel;dateien;e mails;kontakte" },
    { L_ES, PI_PRIVATE, "historial;historial del chat;conversacion;datos;contrasena;"
      "contrasenas;clave api;archivos;correos;contactos;calendario" },
    { L_IT, PI_PRIVATE, "cronologia;cronologia della chat;conversazione;dati;password;"
      "chiave api;file;email;contatti;dati dell utente" },
    { L_PT, PI_PRIVATE, "historico;conversa;dados;senha;senhas;chave api;arquivos;emails;"
      "contatos;prompt do sistema" },
    { L_NL, PI_PRIVATE, "chatgeschiedenis;geschiedenis;gesprek;gegevens;wachtwoord;bestanden" },
    { L_RU, PI_PRIVATE, "историю;история;переписку;данные;пароль;пароли;ключ api;файлы" },
    { L_ZH, PI_PRIVATE, "聊天记录;对话记录;历史记录;数据;密码;文件" },

    { L_FR, PI_EXFIL, "envoie;envoyez;envoyer;transfere;transferez;televerse;publie" },
    { L_NL, PI_EXFIL, "stuur;stuurt;verstuur;doorsturen;upload" },
    { L_RU, PI_EXFIL, "отправь;отправьте;перешли;перешлите;загрузи" },
    { L_ZH, PI_EXFIL, "发送;发给;上传;转发" },

    { L_FR, PI_AINAME, "ia;l ia;assistant;modele;chatbot;agent;"
      "assistant ia;modele de langage;intelligence artificielle" },
    { L_DE, PI_AINAME, "ki;assistent;modell;chatbot;agent;"
      "ki assistent;sprachmodell;kunstliche intelligenz" },
    { L_ES, PI_AINAME, "ia;asistente;modelo;chatbot;agente;"
      "asistente de ia;modelo de lenguaje;inteligencia artificial" },
    { L_IT, PI_AINAME, "ia;l ia;assistente;modello;chatbot;agente;"
      "assistente ia;modello linguistico;intelligenza artificiale" },
    { L_PT, PI_AINAME, "ia;assistente;modelo;chatbot;agente;"
      "assistente de ia;modelo de linguagem;inteligencia artificial" },
    { L_NL, PI_AINAME, "ai;assistent;model;chatbot" },
    { L_RU, PI_AINAME, "ии;ассистент;модель;нейросеть;бот;"
      "ии ассистент;языковая модель" },
    { L_ZH, PI_AINAME, "ai助手;助手;模型;机器人" },

    { L_FR, PI_ADDRESS, "note a l ia;note pour l ia;a l attention de l ia;pour l ia;"
      "message pour l ia;a l assistant" },
    { L_ES, PI_ADDRESS, "para la ia;mensaje para la ia;al asistente;atencion ia" },
    { L_IT, PI_ADDRESS, "per l ia;messaggio per l ia;all assistente" },
    { L_PT, PI_ADDRESS, "para a ia;mensagem para a ia;ao assistente" },
    { L_NL, PI_ADDRESS, "aan de ai;notitie voor de ai;voor de ai;bericht aan de ai" },
    { L_DE, PI_ADDRESS, "hinweis fur die ki;fur die ki;nachricht an die ki;an den assistenten" },
    { L_RU, PI_ADDRESS, "для ии;заметка для ии;ассистенту;для нейросети" },
    { L_ZH, PI_ADDRESS, "给ai助手的说明;给ai的说明;致ai;给人工智能" },

    { L_FR, PI_NEWTASK, "message de l administrateur;de la part de l administrateur" },
    { L_DE, PI_NEWTASK, "nachricht vom administrator;vom administrator;vom betreiber" },
    { L_ES, PI_NEWTASK, "mensaje del administrador;del administrador" },
    { L_IT, PI_NEWTASK, "messaggio dell amministratore;dall amministratore" },
    { L_PT, PI_NEWTASK, "mensagem do administrador;do administrador" },
    { L_RU, PI_NEWTASK, "сообщение администратора;от администратора" },

    { L_FR, PI_ASSEMBLE, "applique la phrase;assemble;combine;execute;fais ce qu elle dit" },
    { L_DE, PI_ASSEMBLE, "fuge zusammen;kombiniere;fuhre aus;fuehre aus;tu was er sagt" },
    { L_ES, PI_ASSEMBLE, "combina;une;ejecuta;haz lo que dice;aplica la frase" },
    { L_IT, PI_ASSEMBLE, "combina;unisci;esegui;fai quello che dice" },
    { L_PT, PI_ASSEMBLE, "combine;junte;execute;faca o que diz" },
};

#define PHRASE_WORDS 6
#define PHRASE_BYTES 96

struct entry {
    uint64_t h[PHRASE_WORDS];
    uint8_t  nw, cls, lang, cjk;
    char     text[PHRASE_BYTES];   /* normalised, for substring matching (CJK) */
    uint8_t  tlen;
};

/* Word-phrase entries packed for the scan: those sharing a first word are adjacent, and
 * an open-addressing table of first words points at their run (most words of a prompt
 * probe one empty slot and move on). */
struct cent {
    uint64_t h[PHRASE_WORDS];
    uint8_t  nw, cls, lang;
};

struct first {
    uint64_t h;                    /* 0 = empty slot */
    uint32_t at, n;                /* run of cent[]: one-word phrases first */
    uint32_t n1;                   /* one-word phrases in the run */
    uint64_t second;               /* bit (h & 63) of each longer phrase's second word */
    uint64_t cls;                  /* bit per class of the run's phrases */
};

struct pi_lex {
    struct entry *e;
    uint32_t n;
    struct cent *ce;
    struct first *ft;
    uint32_t fmask;
    uint32_t *cjk;                 /* entries matched as substrings */
    uint32_t ncjk;
    uint64_t cjk_cls;              /* bit per class of those */
    uint64_t *var[PI_VAR__N];      /* per variant: hashes of the words it turns into a first
                                      word of an indexed phrase (0 = empty slot) */
    uint32_t var_mask;
};

const char *pi_lex_lang_name(uint8_t lang)
{
    return lang < L__N ? lang_names[lang] : "?";
}

/* Words are compared by an FNV-1a hash, a final "s" dropped on both sides (a light stem:
 * plurals and third persons of the lexicon and of the text meet). */
static inline bool is_ascii_word(uint8_t c)
{
    return (uint8_t)((c | 0x20) - 'a') < 26 || (uint8_t)(c - '0') < 10;
}

static inline bool is_word_byte(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

size_t pi_tokenise(const uint8_t *t, size_t n, struct pi_tok *out, size_t max)
{
    size_t k = 0, i = 0;
    uint16_t sent = 0;
    /* one bit per kind of quote mark, so that quotes nest: 'disregard ...' inside "..."
     * stays quoted when its closing ' comes */
    enum { Q_DQ = 1, Q_BT = 2, Q_SQ = 4, Q_CDQ = 8, Q_CSQ = 16, Q_GUIL = 32, Q_CJK = 64, Q_CJK2 = 128 };
    uint8_t quoted = 0;
    while (i < n && k < max) {
        uint8_t c = t[i];
        if (is_word_byte(c)) {
            /* curly quotes, guillemets and CJK corner brackets are multi-byte: they end a
             * word; German opens with a low quote („) and closes with “ */
            if (c == 0xe2 && i + 2 < n && t[i + 1] == 0x80 && t[i + 2] >= 0x98 && t[i + 2] <= 0x9e &&
                t[i + 2] != 0x9a && t[i + 2] != 0x9b) {
                bool apostrophe = t[i + 2] == 0x99 && i > 0 && is_word_byte(t[i - 1]) &&
                                  i + 3 < n && is_word_byte(t[i + 3]);
                if (t[i + 2] == 0x9e)
                    quoted |= Q_CDQ;
                else if (!apostrophe)
                    quoted ^= t[i + 2] >= 0x9c ? Q_CDQ : Q_CSQ;
                i += 3;
                continue;
            }
            if (c == 0xc2 && i + 1 < n && (t[i + 1] == 0xab || t[i + 1] == 0xbb)) {
                quoted = t[i + 1] == 0xab ? quoted | Q_GUIL : quoted & ~Q_GUIL;
                i += 2;
                continue;
            }
            /* 「...」 and 『...』 (U+300C..U+300F) */
            if (c == 0xe3 && i + 2 < n && t[i + 1] == 0x80 && t[i + 2] >= 0x8c && t[i + 2] <= 0x8f) {
                uint8_t b = t[i + 2] < 0x8e ? Q_CJK : Q_CJK2;
                quoted = (t[i + 2] & 1) ? quoted & ~b : quoted | b;
                i += 3;
                continue;
            }
            /* the word and its hash in one pass (FNV-1a; hp = without the last byte) */
            size_t s = i;
            uint64_t h = IG_FNV1A_BASIS, hp = h;
            for (;;) {
                while (i < n && is_ascii_word(t[i])) {
                    hp = h;
                    h = ig_fnv1a_step(h, t[i]);
                    i++;
                }
                if (i >= n || t[i] < 0x80)
                    break;
                if (t[i] == 0xe2 && i + 2 < n && t[i + 1] == 0x80 && t[i + 2] >= 0x98 && t[i + 2] <= 0x9e &&
                    t[i + 2] != 0x9a && t[i + 2] != 0x9b)
                    break;
                if (t[i] == 0xe3 && i + 2 < n && t[i + 1] == 0x80 && t[i + 2] >= 0x8c && t[i + 2] <= 0x8f)
                    break;
                if (t[i] == 0xc2 && i + 1 < n && (t[i + 1] == 0xab || t[i + 1] == 0xbb))
                    break;
                /* CJK full stop and question mark end a sentence inside a "word" */
                if (t[i] == 0xe3 && i + 2 < n && t[i + 1] == 0x80 && t[i + 2] == 0x82)
                    break;
                if (t[i] == 0xef && i + 2 < n && t[i + 1] == 0xbc && t[i + 2] == 0x9f)
                    break;
                hp = h;
                h = ig_fnv1a_step(h, t[i]);
                i++;
            }
            if (i == s) {
                i += (t[i] == 0xe3 || t[i] == 0xef) ? 3 : 1;
                sent++;
                continue;
            }
            /* a light stem: a final "s" dropped (not "ss"), in the lexicon and the text alike */
            size_t wl = i - s;
            if (wl > 3 && t[i - 1] == 's' && t[i - 2] != 's')
                h = hp;
            out[k++] = (struct pi_tok){ (uint32_t)s, (uint32_t)wl, h ? h : 1, sent, quoted };
            continue;
        }
        if (c == '"' || c == '`')
            quoted ^= c == '"' ? Q_DQ : Q_BT;
        else if (c == '\'' && !(i > 0 && is_word_byte(t[i - 1]) && i + 1 < n && is_word_byte(t[i + 1])))
            quoted ^= Q_SQ;
        else if (c == '.' || c == '!' || c == '?' || c == ';' || c == '\n' || c == ':')
            sent++;
        if (c == '\n')
            quoted = 0;   /* an unbalanced quote does not hide the rest of the text */
        i++;
    }
    return k;
}

static int add_phrase(struct pi_lex *l, uint32_t *cap, const char *p, size_t len, uint8_t cls,
                      uint8_t lang, unsigned flags)
{
    uint8_t raw[PHRASE_BYTES * 2], norm[PHRASE_BYTES * 2];
    if (len >= sizeof raw)
        return 0;
    memcpy(raw, p, len);
    size_t m = ig_text_normalise(raw, len, norm, sizeof norm, flags);
    if (m == 0 || m >= PHRASE_BYTES)
        return 0;
    if (l->n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 1024;
        struct entry *ne = realloc(l->e, nc * sizeof *ne);
        if (!ne)
            return -1;
        l->e = ne;
        *cap = nc;
    }
    struct entry *e = &l->e[l->n];
    memset(e, 0, sizeof *e);
    e->cls = cls;
    e->lang = lang;
    e->cjk = lang == L_ZH || lang == L_JA;
    memcpy(e->text, norm, m);
    e->tlen = (uint8_t)m;
    struct pi_tok w[PHRASE_WORDS + 1];
    size_t nw = pi_tokenise(norm, m, w, PHRASE_WORDS + 1);
    if (nw == 0 || nw > PHRASE_WORDS)
        return 0;
    for (size_t i = 0; i < nw; i++)
        e->h[i] = w[i].h;
    e->nw = (uint8_t)nw;
    l->n++;
    return 0;
}

struct order {
    uint64_t h0;
    uint32_t i, nw;
};

static int by_first_word(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->h0 != y->h0)
        return x->h0 < y->h0 ? -1 : 1;
    if (x->nw != y->nw)
        return x->nw < y->nw ? -1 : 1;
    return x->i < y->i ? -1 : 1;
}

struct pi_lex *pi_lex_new(unsigned flags)
{
    struct pi_lex *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    uint32_t cap = 0;
    for (size_t g = 0; g < IG_ARRAY_LEN(groups); g++) {
        const char *p = groups[g].phrases;
        while (*p) {
            const char *e = strchr(p, ';');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (add_phrase(l, &cap, p, len, groups[g].cls, groups[g].lang, flags) < 0)
                goto fail;
            p += len + (e ? 1 : 0);
        }
    }
    uint32_t nb = 16;
    while (nb < l->n * 4)
        nb <<= 1;
    l->fmask = nb - 1;
    l->ft = calloc(nb, sizeof *l->ft);
    l->ce = malloc((l->n + 1) * sizeof *l->ce);
    l->cjk = malloc((l->n + 1) * sizeof *l->cjk);
    struct order *order = malloc((l->n + 1) * sizeof *order);
    if (!l->ft || !l->ce || !l->cjk || !order) {
        free(order);
        goto fail;
    }
    /* word phrases grouped by first word, in table order within a group */
    uint32_t no = 0;
    for (uint32_t i = 0; i < l->n; i++) {
        if (l->e[i].cjk) {
            l->cjk[l->ncjk++] = i;
            l->cjk_cls |= 1ull << l->e[i].cls;
        } else
            order[no++] = (struct order){ l->e[i].h[0], i, l->e[i].nw };
    }
    qsort(order, no, sizeof *order, by_first_word);
    for (uint32_t k = 0; k < no; k++) {
        const struct entry *e = &l->e[order[k].i];
        struct cent *c = &l->ce[k];
        memcpy(c->h, e->h, sizeof c->h);
        c->nw = e->nw;
        c->cls = e->cls;
        c->lang = e->lang;
        if (k == 0 || order[k - 1].h0 != e->h[0]) {
            uint32_t b = (uint32_t)(e->h[0] ^ (e->h[0] >> 29)) & l->fmask;
            while (l->ft[b].h)
                b = (b + 1) & l->fmask;
            l->ft[b] = (struct first){ e->h[0], k, 0, 0, 0, 0 };
        }
        uint32_t b = (uint32_t)(e->h[0] ^ (e->h[0] >> 29)) & l->fmask;
        while (l->ft[b].h != e->h[0])
            b = (b + 1) & l->fmask;
        l->ft[b].n++;
        l->ft[b].cls |= 1ull << e->cls;
        if (e->nw == 1)
            l->ft[b].n1++;
        else
            l->ft[b].second |= 1ull << (e->h[1] & 63);
    }
    free(order);
    return l;
fail:
    pi_lex_free(l);
    return NULL;
}

void pi_lex_free(struct pi_lex *l)
{
    if (!l)
        return;
    free(l->e);
    free(l->ce);
    free(l->ft);
    free(l->cjk);
    for (int v = 0; v < PI_VAR__N; v++)
        free(l->var[v]);
    free(l);
}

void pi_lex_scan(const struct pi_lex *l, const uint8_t *t, const struct pi_tok *w, size_t nw,
                 void (*fn)(void *ctx, const struct pi_hit *h), void *ctx)
{
    for (size_t i = 0; i < nw; i++) {
        uint32_t b = (uint32_t)(w[i].h ^ (w[i].h >> 29)) & l->fmask;
        while (l->ft[b].h && l->ft[b].h != w[i].h)
            b = (b + 1) & l->fmask;
        const struct first *f = &l->ft[b];
        /* longer phrases only when the next word can be their second */
        uint32_t end = f->at + f->n1;
        if (f->h && i + 1 < nw && ((f->second >> (w[i + 1].h & 63)) & 1))
            end = f->at + f->n;
        for (uint32_t k = f->at; f->h && k < end; k++) {
            const struct cent *e = &l->ce[k];
            if (i + e->nw > nw)
                continue;
            bool ok = true;
            for (uint32_t j = 1; j < e->nw && ok; j++)
                ok = w[i + j].h == e->h[j];
            if (ok) {
                struct pi_hit h = { (uint32_t)i, e->nw, e->cls, e->lang };
                fn(ctx, &h);
            }
        }
        /* CJK: phrases inside the word (no spaces between words) */
        if (l->ncjk && w[i].n >= 3 && t[w[i].at] >= 0xe3) {
            const uint8_t *s = t + w[i].at;
            for (uint32_t c = 0; c < l->ncjk; c++) {
                const struct entry *e = &l->e[l->cjk[c]];
                if (e->tlen <= w[i].n && memmem(s, w[i].n, e->text, e->tlen)) {
                    struct pi_hit h = { (uint32_t)i, 1, e->cls, e->lang };
                    fn(ctx, &h);
                }
            }
        }
    }
}

bool pi_lex_may_start(const struct pi_lex *l, const uint8_t *t, const struct pi_tok *w, size_t nw,
                      uint64_t cls)
{
    for (size_t i = 0; i < nw; i++) {
        uint32_t b = (uint32_t)(w[i].h ^ (w[i].h >> 29)) & l->fmask;
        while (l->ft[b].h && l->ft[b].h != w[i].h)
            b = (b + 1) & l->fmask;
        if (l->ft[b].h && (l->ft[b].cls & cls))
            return true;
        if ((l->cjk_cls & cls) && w[i].n >= 3 && t[w[i].at] >= 0xe3)
            return true;
    }
    return false;
}

static void var_add(uint64_t *set, uint32_t mask, uint64_t h)
{
    uint32_t b = (uint32_t)(h ^ (h >> 29)) & mask;
    while (set[b] && set[b] != h)
        b = (b + 1) & mask;
    set[b] = h;
}

/* The hash a text word of <n> bytes gets (pi_tokenise's, stem included); 0 when those
 * bytes are not one word. */
static uint64_t word_hash(const uint8_t *p, size_t n)
{
    struct pi_tok w[2];
    return pi_tokenise(p, n, w, 2) == 1 && w[0].at == 0 && w[0].n == n ? w[0].h : 0;
}

int pi_lex_index_variants(struct pi_lex *l, uint64_t cls)
{
    uint32_t nb = 16;
    while (nb < l->n * 8)
        nb <<= 1;
    for (int v = 0; v < PI_VAR__N; v++) {
        free(l->var[v]);
        if (!(l->var[v] = calloc(nb, sizeof *l->var[v])))
            return -1;
    }
    l->var_mask = nb - 1;
    for (uint32_t i = 0; i < l->n; i++) {
        const struct entry *e = &l->e[i];
        if (e->cjk || !((cls >> e->cls) & 1))
            continue;
        struct pi_tok w[PHRASE_WORDS + 1];
        if (!pi_tokenise((const uint8_t *)e->text, e->tlen, w, PHRASE_WORDS + 1))
            continue;
        /* The variant words hashing as the first word u: a word and its stem hash alike, so
         * they are its stem and its stem + "s", i.e. u and u + "s", or (u ending in "s") u
         * and u without it: a superset of them. */
        uint8_t y[PHRASE_BYTES + 1], x[PHRASE_BYTES + 1];
        size_t un = w[0].n;
        memcpy(y, e->text + w[0].at, un);
        bool s_end = y[un - 1] == 's';
        y[un] = 's';
        const size_t cand[2] = { un, s_end ? un - 1 : un + 1 };
        for (int c = 0; c < 2; c++) {
            size_t yn = cand[c];
            if (!yn)
                continue;
            for (size_t k = 0; k < yn; k++) {
                uint8_t ch = y[k], lo = ch | 0x20;
                x[k] = lo >= 'a' && lo <= 'z' ? (uint8_t)(lo <= 'm' ? ch + 13 : ch - 13) : ch;
            }
            uint64_t h = word_hash(x, yn);
            if (h)
                var_add(l->var[PI_VAR_ROT13], l->var_mask, h);
            for (size_t k = 0; k < yn; k++)
                x[k] = y[yn - 1 - k];
            h = word_hash(x, yn);
            if (h)
                var_add(l->var[PI_VAR_REVERSE], l->var_mask, h);
        }
    }
    return 0;
}

bool pi_lex_variant_may_start(const struct pi_lex *l, enum pi_variant v, const struct pi_tok *w, size_t nw)
{
    const uint64_t *set = l->var[v];
    if (!set)
        return true;
    for (size_t i = 0; i < nw; i++) {
        uint32_t b = (uint32_t)(w[i].h ^ (w[i].h >> 29)) & l->var_mask;
        while (set[b] && set[b] != w[i].h)
            b = (b + 1) & l->var_mask;
        if (set[b])
            return true;
    }
    return false;
}
